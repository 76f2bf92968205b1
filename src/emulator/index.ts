/**
 * A faithful local Agora Cloud Recording API (REST v1, modes individual / mix / web) with NCS delivery and fault
 * injection, for tests, the demo and benchmarks. Source of truth: the Agora reference (section numbers in comments).
 *
 * ```ts
 * const emu = await startEmulator({ appId, customerId, customerSecret, callbackUrl, ncsSecret });
 * // client base URL: emu.baseUrl  (requests go to `${emu.baseUrl}/v1/apps/${appId}/cloud_recording/...`)
 * emu.channel('room-1').join('1001');                       // a publisher joins
 * emu.faults.add({ kind: 'code65', endpoint: 'start', times: 1 });
 * await emu.clock.advance(31_000);                          // idle timeout, NCS retries, ...
 * await emu.ncsIdle();                                      // deliveries settled
 * expect(emu.tasks().filter((t) => t.phase === 'recording')).toEqual([]);  // nothing left billing
 * await emu.close();
 * ```
 */
import { type AddressInfo } from 'node:net';
import { type CallLogEntry } from './call-log';
import { type Participant } from './channel';
import { type ActiveFault, type FaultRule } from './faults';
import { type EmittedNotification, type NcsDeliveryAttempt } from './ncs';
import { type EmulatorOptions, resolveOptions } from './options';
import { createEmulatorServer } from './server';
import { EmulatorState } from './state';
import { type FailoverOptions, type TaskSnapshot } from './task';

export type { CallLogEntry } from './call-log';
export type { Participant } from './channel';
export type { ClockOptions } from './clock';
export { EmulatorControl } from './control-client';
export { endpointNames, faultRuleSchema } from './faults';
export type { ActiveFault, EndpointName, FaultRule } from './faults';
export type { EmittedNotification, NcsDeliveryAttempt, NcsPayload } from './ncs';
export type { EmulatorOptions } from './options';
export type { EndReason, FailoverOptions, TaskSnapshot, UploadingStatus } from './task';

/** A simulated channel's controls. */
export interface ChannelControl {
  /** A user joins (default: publishing audio/video). Joining again updates `publishing`. */
  join(uid: string, opts?: { publishing?: boolean }): void;
  /** A user leaves; unknown uids are ignored. */
  leave(uid: string): void;
  /** A user starts or stops publishing (joins if absent). */
  publish(uid: string, publishing: boolean): void;
  /** Current participants, in join order. */
  participants(): Participant[];
}

/** A running emulator. */
export interface Emulator {
  /** `http://HOST:PORT`; clients append `/v1/apps/{appid}/cloud_recording/...`. */
  baseUrl: string;
  /** The emulated App ID. */
  appId: string;
  /** The emulator clock (emulated Unix ms). `advance` runs every timer that falls due. */
  clock: {
    mode: 'manual' | 'wall';
    now(): number;
    advance(ms: number): Promise<void>;
    /** Moves the time forward to `target` (Unix ms), running due timers; a past target changes nothing. */
    advanceTo(target: number): Promise<void>;
    /** When the earliest emulator timer is due (Unix ms), if any. */
    nextTimerAt(): number | undefined;
  };
  /** Fault injection (see `faults.ts` for the rule kinds). */
  faults: { add(rule: FaultRule): number; remove(id: number): void; clear(): void; list(): ActiveFault[] };
  /** A simulated channel by name. */
  channel(cname: string): ChannelControl;
  /** Every Agora API call so far (secrets masked), oldest first; with `afterSeq`, only the later ones. */
  calls(afterSeq?: number): CallLogEntry[];
  /** The `seq` of the latest call (0 before any): a mark for `calls(afterSeq)`. */
  lastCallSeq(): number;
  /** Empties the call log. */
  clearCalls(): void;
  /** Every recording task so far (of `cname` only, when given); `phase: 'recording'` ones are still billing. */
  tasks(cname?: string): TaskSnapshot[];
  /**
   * Simulates an HA failover of a task
   * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices):
   * query/update/updateLayout/stop answer 404 for `ms`, then event 12. `opts.oldRecorderLeaveAfterMs`: the old
   * recorder's recorder_leave comes first.
   */
  failover(sid: string, ms: number, opts?: FailoverOptions): void;
  /** Agora API requests being handled now, and how many of them wait on emulated time (`latency` faults). */
  requestsInFlight(): { inFlight: number; waitingOnClock: number };
  /** Every NCS notification emitted (including dropped ones), in emission order; from index `from` when given. */
  notifications(from?: number): EmittedNotification[];
  /** How many notifications were emitted so far: a mark for `notifications(from)`. */
  notificationCount(): number;
  /** Every NCS delivery attempt, in completion order. */
  deliveries(): NcsDeliveryAttempt[];
  /** Resolves when no NCS delivery is queued or in flight (future retries/delays excluded). */
  ncsIdle(): Promise<void>;
  /** Stops the server, every timer and every delivery. */
  close(): Promise<void>;
}

/**
 * Starts an emulator listening on `opts.host:opts.port`.
 * @param opts see {@link EmulatorOptions}; only the three credentials are required
 * @returns the running emulator
 * @throws RangeError on invalid options; the listen error when the port is taken
 */
export async function startEmulator(opts: EmulatorOptions): Promise<Emulator> {
  const options = resolveOptions(opts);
  const state = new EmulatorState(options);
  const server = createEmulatorServer(state);
  // Longer than any client's idle keep-alive (Node's 5 s default races clients that reuse a socket at 5 s: ECONNRESET).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  return {
    baseUrl: `http://${host}:${port}`,
    appId: options.appId,
    clock: {
      mode: state.clock.mode,
      now: () => state.clock.now(),
      advance: (ms) => state.clock.advance(ms),
      advanceTo: (target) => state.clock.advanceTo(target),
      nextTimerAt: () => state.clock.nextAt(),
    },
    faults: {
      add: (rule) => state.faults.add(rule, state.clock.now()),
      remove: (id) => {
        state.faults.clear(id);
      },
      clear: () => {
        state.faults.clear();
      },
      list: () => state.faults.list(state.clock.now()),
    },
    channel: (cname) => ({
      join: (uid, o) => {
        state.channels.join(cname, uid, o?.publishing ?? true);
      },
      leave: (uid) => {
        state.channels.leave(cname, uid);
      },
      publish: (uid, publishing) => {
        state.channels.publish(cname, uid, publishing);
      },
      participants: () => state.channels.participants(cname),
    }),
    calls: (afterSeq) => state.calls.list(afterSeq),
    lastCallSeq: () => state.calls.lastSeq(),
    clearCalls: () => {
      state.calls.clear();
    },
    tasks: (cname) =>
      [...state.tasks.values()].filter((t) => cname === undefined || t.cname === cname).map((t) => t.snapshot()),
    failover: (sid, ms, opts) => {
      const task = state.tasks.get(sid);
      if (!task) throw new RangeError(`no recording task with sid ${sid}`);
      task.failover(ms, opts);
    },
    requestsInFlight: () => ({ ...state.requests }),
    notifications: (from) => state.ncs.notifications(from),
    notificationCount: () => state.ncs.emittedCount(),
    deliveries: () => state.ncs.deliveries(),
    ncsIdle: () => state.ncs.idle(),
    close: async () => {
      state.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
