/** Everything the emulator knows: resources, tasks, channels, faults, the NCS dispatcher and the call log. */
import { Channels } from './channel';
import { CallLog } from './call-log';
import { EmulatorClock } from './clock';
import { FaultBook } from './faults';
import { NcsDispatcher } from './ncs';
import { type ResolvedOptions } from './options';
import { RateLimiter } from './rate-limit';
import { type RecordingTask, type TaskEnv } from './task';

/**
 * An acquired resource (https://docs.agora.io/en/cloud-recording/rest-api/acquire): lives `resourceTtlMs`, serves at
 * most one start.
 */
export interface Resource {
  resourceId: string;
  cname: string;
  uid: string;
  /** 0 real-time, 1 web, 2 postponed (https://docs.agora.io/en/cloud-recording/rest-api/acquire). */
  scene: number;
  /** Hours the APIs stay usable after start (https://docs.agora.io/en/cloud-recording/rest-api/acquire). */
  resourceExpiredHour: number;
  /**
   * acquire's startParameter; start's clientRequest must equal it
   * (https://docs.agora.io/en/cloud-recording/rest-api/acquire).
   */
  startParameter?: unknown;
  /** Emulated Unix ms. */
  acquiredAt: number;
  /** Set once start succeeded. */
  sid?: string;
}

/** The emulator's state, shared by the endpoints and the control API. */
export class EmulatorState {
  readonly clock: EmulatorClock;
  readonly faults: FaultBook;
  readonly channels = new Channels();
  readonly ncs: NcsDispatcher;
  readonly calls = new CallLog();
  readonly rateLimiter: RateLimiter;
  readonly resources = new Map<string, Resource>();
  readonly tasks = new Map<string, RecordingTask>();
  /** Agora API requests being handled now, and how many of them wait on emulated time (a `latency` fault). */
  readonly requests = { inFlight: 0, waitingOnClock: 0 };

  constructor(readonly options: ResolvedOptions) {
    this.clock = new EmulatorClock(options.clock);
    this.faults = new FaultBook(options.faultSeed);
    for (const rule of options.faults ?? []) this.faults.add(rule, this.clock.now());
    this.rateLimiter =
      options.qpsClock === 'emulated'
        ? new RateLimiter(options.qpsLimit, 1000, () => this.clock.now())
        : new RateLimiter(options.qpsLimit);
    this.ncs = new NcsDispatcher(
      {
        callbackUrl: options.callbackUrl,
        secret: options.ncsSecret,
        timeoutMs: options.ncsTimeoutMs,
        retryDelaysMs: options.ncsRetryDelaysMs,
      },
      this.clock,
      this.faults,
    );
    this.channels.onChange((cname) => {
      for (const task of this.tasks.values()) if (task.cname === cname) task.onChannelChange();
    });
  }

  /** Tasks whose recorder is still in the channel (these count against the quota and bill). */
  liveTasks(): RecordingTask[] {
    return [...this.tasks.values()].filter((t) => t.phase === 'recording');
  }

  /** What tasks need from the emulator. */
  taskEnv(): TaskEnv {
    return { clock: this.clock, ncs: this.ncs, channels: this.channels, faults: this.faults, options: this.options };
  }

  /** Stops every timer and delivery. */
  close(): void {
    for (const t of this.tasks.values()) t.dispose();
    this.ncs.close();
    this.clock.close();
  }
}
