/**
 * The simulation stack and its clock coupling (issue 17).
 *
 * One process holds: the official time-skipping test server (test/support/temporal.ts), one workflow bundle, one
 * in-process Worker with the REAL activities (src/activities) and the REAL Agora client (src/agora) pointed over
 * loopback HTTP at the emulator (src/emulator, manual clock), and the REAL NCS receiver (src/receiver) on loopback,
 * signalling with a Temporal client. The emulator's NCS delivery posts to that receiver.
 *
 * Clock coupling. The test server's time moves in two ways, measured (test/sim/README.md): at wall-clock rate whenever
 * nobody asks it to skip, and by jumps while `env.sleep(ms)` runs (it then fires the server's timers in order and waits
 * for the workflow tasks and activities they cause; a regular activity in flight, or a workflow task running a local
 * activity, holds the jump and time moves at wall-clock rate meanwhile). The emulator's manual clock follows it:
 * - every Agora request first moves the emulator clock up to the server's time (the emulator's `beforeRequest` hook),
 *   so whatever the workflow's activities see is the server's time, including requests made in the middle of a jump;
 * - the driver loop, while anything is in flight (an HTTP request, a workflow task, an activity, an NCS delivery or
 *   signal), polls and moves the emulator clock up to the server time (emulated latency therefore passes at the rate
 *   the server's time passes while the activity holds it: the same clock as the activity's timeouts);
 * - when everything is quiet, it jumps the server with `env.sleep` to the next interesting instant: the next scenario
 *   action, the emulator's next timer (idle exit, end of a failover, NCS delays and retries, the backup forward...), at
 *   most {@link MAX_JUMP_MS} ahead, then moves the emulator clock to the server time after the jump.
 * What can still drift: an emulator timer scheduled DURING a jump (by a request the jump caused) for an instant
 * inside the jump runs when the jump ends, late by at most the jump; and the server runs ahead of the emulator between
 * two syncs by the real time in between (milliseconds). Both are measured per seed (`drift`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  DefaultLogger,
  Runtime,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { CloudRecordingClient } from '../../src/agora/client';
import {
  agoraNotificationSignal,
  recordingWorkflowId,
  stopSignal,
  stopUpdate,
  updateLayoutSignal,
  updateLayoutUpdate,
  updateSubscriptionSignal,
  type RecordingInput,
  type RecordingResult,
} from '../../src/contract';
import { startEmulator, type CallLogEntry, type Emulator, type FaultRule, type TaskSnapshot } from '../../src/emulator';
import { DeadLetterLog } from '../../src/receiver/dead-letter';
import { NotificationDelivery } from '../../src/receiver/delivery';
import { buildReceiver } from '../../src/receiver/receiver';
import { createTimeSkippingEnv } from '../support/temporal';
import { closeBoundMs, type Action, type Scenario } from './scenario';

/** Longest single jump of the test server's time, ms (bounds how late an emulator timer born inside a jump runs). */
export const MAX_JUMP_MS = 60_000;
/** Real time a seed may take before the driver gives up on it (recorded as not closed). */
const REAL_CAP_MS = 180_000;
/** After the workflow closed: how much simulated time to let run so late NCS and orphan tasks settle. */
const TAIL_MS = 10 * 60_000;

const APP_ID = 'simappid0123456789abcdef01234567';
const CUSTOMER_ID = 'sim-customer';
const CUSTOMER_SECRET = 'sim-secret';
const NCS_SECRET = 'sim-ncs-secret';
const TASK_QUEUE = 'sim-recording';

/** Everything one seed leaves behind, for the invariants (test/sim/invariants.ts). */
export interface SeedFacts {
  seed: number;
  workflowId: string;
  /** Server time the workflow was started, Unix ms. */
  startedAt: number;
  /** The workflow chain closed (completed, failed, terminated...) within the driver's caps. */
  closed: boolean;
  /** Temporal's status of the last run. */
  closeStatus: string;
  closedAt?: number;
  result?: RecordingResult;
  /** The emulator's tasks of this cname when the close was observed. */
  tasksAtClose: TaskSnapshot[];
  /** The same tasks after the tail (uploads finished). */
  tasksAfter: TaskSnapshot[];
  /** Files the emulator reported per task (NCS 4/31/32/71 as emitted, delivered or not). */
  filesBySid: Record<string, string[]>;
  /** Every Agora call of the seed. */
  calls: CallLogEntry[];
  /** WORKFLOW_TASK_FAILED events over every run of the chain (UNHANDLED_COMMAND excepted, see historyFacts). */
  workflowTaskFailures: number;
  workflowTaskFailureCauses: string[];
  /** WORKFLOW_TASK_FAILED with cause UNHANDLED_COMMAND (a message raced the run's completion; benign). */
  unhandledCommandRetries: number;
  runs: number;
  /** When the caller first asked to stop / cancel (server ms), if it did. */
  stopRequestedAt?: number;
  cancelRequestedAt?: number;
  /** Total ms of failover windows and of notFound fault windows that were applied. */
  failoverMs: number;
  /** HTTP fault rules added (each may cost extra calls). */
  faultRules: number;
  /** Layout and subscription requests sent. */
  updatesRequested: number;
  /** Simulated ms from start to close (or to the cap). */
  simulatedMs: number;
  realMs: number;
  drift: { maxRequestLagMs: number; maxLateTimerMs: number };
  /** Actions that could not be applied (e.g. a failover with no live task). */
  skipped: string[];
  notes: string[];
}

/** The long-lived parts, shared by every seed of a process. */
export interface SimStack {
  env: TestWorkflowEnvironment;
  client: Client;
  emu: Emulator;
  bundle: WorkflowBundleWithSourceMap;
  delivery: NotificationDelivery;
  /** The task queue of lane `i`, its Worker started on first use. */
  laneWorker(i: number): Promise<string>;
  /** Shuts lane `i`'s Worker down (sticky cache gone, activities in flight cancelled) and starts a new one. */
  restartLane(i: number): Promise<void>;
  drift: { requestLagMs: number };
  runsOfCname: Map<string, number>;
  close(): Promise<void>;
}

let runtimeInstalled = false;

/** Starts the stack. Call `close()` at the end. */
export async function createStack(): Promise<SimStack> {
  if (!runtimeInstalled) {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // The runtime exists already (jest's setup installs one at WARN): quiet its logger for the sim's workers, whose
      // activities fail by design on every injected fault.
      Object.assign(Runtime.instance(), { logger: new DefaultLogger('ERROR') });
    }
    runtimeInstalled = true;
  }
  const env = await createTimeSkippingEnv();
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: { AgoraChannel: keyword, AgoraSid: keyword, RecordingStatus: keyword },
  });
  const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
  });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-sim-'));
  const logger = pino({ level: 'silent' });
  const deadLetter = new DeadLetterLog(path.join(dir, 'dead-letter.jsonl'));
  const delivery = new NotificationDelivery({
    client,
    appId: APP_ID,
    spoolFile: path.join(dir, 'spool.jsonl'),
    deadLetter,
    // Short: the test server has no visibility queries, so the receiver's fallback for an unknown workflow ID (find the
    // running workflow by AgoraSid) fails there and would retry a notification for a closed workflow 10 s long.
    deadlineMs: 1_000,
    logger,
  });
  await delivery.open();
  const receiver = buildReceiver({
    ncsSecret: NCS_SECRET,
    path: '/agora/ncs',
    bodyLimitBytes: 64 * 1024,
    delivery,
    deadLetter,
    logger,
  });
  const receiverUrl = await receiver.listen({ host: '127.0.0.1', port: 0 });

  const drift = { requestLagMs: 0 };
  const ref: { emu?: Emulator } = {};
  const emu = await startEmulator({
    appId: APP_ID,
    customerId: CUSTOMER_ID,
    customerSecret: CUSTOMER_SECRET,
    callbackUrl: `${receiverUrl}/agora/ncs`,
    ncsSecret: NCS_SECRET,
    clock: { mode: 'manual', startMs: await env.currentTimeMs() },
    // Agora's 10 requests per second, counted in simulated seconds (real ones pass much faster here): a 429 that no
    // fault caused shows calls bursting in simulated time.
    qpsLimit: 10,
    qpsClock: 'emulated',
    beforeRequest: async () => {
      const t = await env.currentTimeMs();
      if (ref.emu) {
        drift.requestLagMs = Math.max(drift.requestLagMs, t - ref.emu.clock.now());
        await ref.emu.clock.advanceTo(t);
      }
    },
  });
  ref.emu = emu;

  const agora = new CloudRecordingClient({
    appId: APP_ID,
    customerId: CUSTOMER_ID,
    customerSecret: CUSTOMER_SECRET,
    baseUrl: emu.baseUrl,
  });
  const activities = createActivities({
    client: agora,
    storageProfiles: { default: { vendor: 1, region: 0, bucket: 'sim', accessKey: 'sim-ak', secretKey: 'sim-sk' } },
    appId: APP_ID,
    // The start confirmation's wait is real time inside the activity; the emulator's recorder is up at once.
    startConfirmDelayMs: 0,
  });
  const newWorker = (taskQueue: string) =>
    Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities,
      shutdownGraceTime: '0 ms',
      // No workflow cache, hence no sticky task queue: the time-skipping test server never times sticky tasks out
      // (and does not implement ResetStickyTaskQueue), so after a worker restart a task handed to the old worker's
      // sticky queue would wait there for good. Without the cache every workflow task replays the history from the
      // start: the sticky cache is "dropped" at every task, which also checks that every history replays.
      maxCachedWorkflows: 0,
    });
  // The pump: while any Agora request is in flight (e.g. sleeping on an emulated latency), the emulator clock follows
  // the server's, also during a jump (env.sleep), when the driver itself is waiting.
  let pumping = true;
  const pump = (async () => {
    while (pumping) {
      if (emu.requestsInFlight().inFlight > 0) await emu.clock.advanceTo(await env.currentTimeMs());
      await realSleep(2);
    }
  })();
  const workers = new Map<number, { worker: Worker; running: Promise<void> }>();
  const taskQueueOf = (i: number) => `${TASK_QUEUE}-${i}`;
  const startLane = async (i: number) => {
    const worker = await newWorker(taskQueueOf(i));
    workers.set(i, { worker, running: worker.run() });
  };
  const stopLane = async (i: number) => {
    const w = workers.get(i);
    if (!w) return;
    workers.delete(i);
    w.worker.shutdown();
    await w.running.catch(() => undefined);
  };
  const stack: SimStack = {
    env,
    client,
    emu,
    bundle,
    delivery,
    laneWorker: async (i) => {
      if (!workers.has(i)) await startLane(i);
      return taskQueueOf(i);
    },
    restartLane: async (i) => {
      await stopLane(i);
      await startLane(i);
    },
    drift,
    runsOfCname: new Map(),
    close: async () => {
      pumping = false;
      await pump;
      for (const i of [...workers.keys()]) await stopLane(i);
      await receiver.close();
      await delivery.drain(1_000);
      await emu.close();
      await env.teardown();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The recording input of a scenario. */
export function inputOf(s: Scenario, cname: string): RecordingInput {
  const recordingConfig =
    s.mode === 'mix'
      ? {
          channelType: 0 as const,
          maxIdleTime: s.maxIdleTime,
          transcodingConfig: { width: 640, height: 360, fps: 15, bitrate: 500, mixedVideoLayout: 1 as const },
        }
      : { channelType: 0 as const, maxIdleTime: s.maxIdleTime, streamTypes: 2 as const, subscribeUidGroup: 0 as const };
  return {
    cname,
    uid: s.uid,
    mode: s.mode,
    recordingConfig,
    recordingFileConfig: { avFileType: ['hls'] },
    storage: { profile: 'default', fileNamePrefix: ['sim', `s${s.seed}`] },
    resourceExpiredHour: s.resourceExpiredHour,
    policy: s.policy,
  };
}

/** One scenario in flight. */
interface Run {
  s: Scenario;
  lane: number;
  cname: string;
  workflowId: string;
  firstRunId: string;
  wf: ReturnType<Client['workflow']['getHandle']>;
  startedAt: number;
  realStart: number;
  pending: Action[];
  hardCapAt: number;
  callMark: number;
  notificationMark: number;
  faultIds: number[];
  background: Promise<unknown>[];
  stopRequestedAt?: number;
  cancelRequestedAt?: number;
  failoverMs: number;
  faultRules: number;
  updatesRequested: number;
  skipped: string[];
  notes: string[];
  /** Set at close. */
  closed?: {
    at?: number;
    status: string;
    result?: RecordingResult;
    tasksAtClose: TaskSnapshot[];
    history: { failures: number; runs: number; unhandledCommand: number; causes: string[] };
    tailEnd: number;
  };
}

/** Runs one scenario to the end (alone) and returns its facts. */
export async function runScenario(stack: SimStack, s: Scenario): Promise<SeedFacts> {
  let facts: SeedFacts | undefined;
  await runScenarios(stack, [s], 1, (f) => {
    facts = f;
  });
  if (!facts) throw new Error(`seed ${s.seed} produced no facts`);
  return facts;
}

/**
 * Runs scenarios with up to `lanes` recordings in flight at once, on the one shared clock: each lane has its own
 * Worker and task queue (a worker restart touches only its own recording), its own channel, and its own fault rules
 * (scoped to its channel in the emulator). `onFacts` gets each seed's facts once its tail ended.
 */
export async function runScenarios(
  stack: SimStack,
  scenarios: Iterable<Scenario>,
  lanes: number,
  onFacts: (f: SeedFacts) => void,
): Promise<void> {
  const { env, emu, client } = stack;
  const queue = scenarios[Symbol.iterator]();
  const running: Run[] = [];
  const tails: Run[] = [];
  const freeLanes = Array.from({ length: lanes }, (_, i) => i);
  let maxLateTimerMs = 0;
  let slowJumps = 0;
  let exhausted = false;

  const sync = async (): Promise<number> => {
    const t = await env.currentTimeMs();
    const next = emu.clock.nextTimerAt();
    if (next !== undefined && next < t) maxLateTimerMs = Math.max(maxLateTimerMs, t - Math.max(next, emu.clock.now()));
    await emu.clock.advanceTo(t);
    return t;
  };
  /**
   * env.sleep, noting when the server did not skip (its time then moves at wall-clock rate: real seconds). A jump that
   * crawls although nothing is in flight means a leaked time-skipping lock: the test server keeps one for good for a
   * heartbeating activity that was cancelled (see test/support/workflows.ts `answerLate`; the start activity heartbeats
   * its sid). The driver then releases the extra lock ({@link releaseLeakedLocks}).
   */
  let leakedLocksReleased = 0;
  const jump = async (ms: number): Promise<void> => {
    const t = Date.now();
    await env.sleep(ms);
    if (ms >= 5_000 && Date.now() - t > ms / 4) {
      slowJumps++;
      if (process.env.SIM_RELEASE_LOCKS && !(await isBusy(stack, running))) {
        leakedLocksReleased += await releaseLeakedLocks(env);
      }
    }
  };

  const addFault = (run: Run, rule: FaultRule): void => {
    run.faultIds.push(emu.faults.add({ ...rule, cname: run.cname }));
  };

  const begin = async (s: Scenario, lane: number): Promise<void> => {
    const n = (stack.runsOfCname.get(s.cname) ?? 0) + 1;
    stack.runsOfCname.set(s.cname, n);
    const cname = n === 1 ? s.cname : `${s.cname}-${n}`;
    const workflowId = recordingWorkflowId(APP_ID, cname, s.uid);
    const taskQueue = await stack.laneWorker(lane);
    const run: Run = {
      s,
      lane,
      cname,
      workflowId,
      firstRunId: '',
      wf: client.workflow.getHandle(workflowId),
      startedAt: 0,
      realStart: Date.now(),
      pending: s.actions.map((a) => ({ ...a })),
      hardCapAt: 0,
      callMark: emu.lastCallSeq(),
      notificationMark: emu.notificationCount(),
      faultIds: [],
      background: [],
      failoverMs: 0,
      faultRules: 0,
      updatesRequested: 0,
      skipped: [],
      notes: [],
    };
    if (!s.ncs) addFault(run, { kind: 'ncsDrop' });
    if (s.upload) addFault(run, { kind: 'upload', times: 1, ...s.upload });
    run.startedAt = await sync();
    run.hardCapAt = run.startedAt + closeBoundMs(s) + 600_000;
    const handle = await client.workflow.start('recordingWorkflow', {
      taskQueue,
      workflowId,
      args: [inputOf(s, cname)],
    });
    run.firstRunId = handle.firstExecutionRunId;
    running.push(run);
  };

  const apply = async (run: Run, a: Action, now: number): Promise<void> => {
    const { wf } = run;
    const channel = emu.channel(run.cname);
    switch (a.kind) {
      case 'join':
        channel.join(a.user, { publishing: a.publishing });
        return;
      case 'leave':
        channel.leave(a.user);
        return;
      case 'publish':
        channel.publish(a.user, a.publishing);
        return;
      case 'stopSignal':
        run.stopRequestedAt ??= now;
        await wf.signal(stopSignal, 'sim: stop signal').catch(ignoreClosed);
        return;
      case 'stopUpdate':
        run.stopRequestedAt ??= now;
        run.background.push(wf.executeUpdate(stopUpdate, { args: ['sim: stop update'] }).catch(() => undefined));
        return;
      case 'cancel':
        run.cancelRequestedAt ??= now;
        await wf.cancel().catch(ignoreClosed);
        return;
      case 'layoutSignal':
        run.updatesRequested++;
        await wf.signal(updateLayoutSignal, a.layout).catch(ignoreClosed);
        return;
      case 'layoutUpdate':
        run.updatesRequested++;
        run.background.push(wf.executeUpdate(updateLayoutUpdate, { args: [a.layout] }).catch(() => undefined));
        return;
      case 'subscription':
        run.updatesRequested++;
        await wf.signal(updateSubscriptionSignal, a.subscription).catch(ignoreClosed);
        return;
      case 'fault':
        if (!a.rule.kind.startsWith('ncs') && a.rule.kind !== 'upload') run.faultRules++;
        if (a.rule.kind === 'notFound') run.failoverMs += a.rule.forMs ?? 0;
        addFault(run, a.rule);
        return;
      case 'failover': {
        const live = emu.tasks(run.cname).filter((t) => t.phase === 'recording');
        const task = live[live.length - 1];
        if (!task) {
          run.skipped.push(`failover at ${a.at}: no live task`);
          return;
        }
        run.failoverMs += a.ms;
        emu.failover(
          task.sid,
          a.ms,
          a.oldRecorderLeaveAfterMs === undefined ? {} : { oldRecorderLeaveAfterMs: a.oldRecorderLeaveAfterMs },
        );
        return;
      }
      case 'restartWorker':
        await stack.restartLane(run.lane);
        return;
      case 'malformedNotification':
        await wf
          .signal(agoraNotificationSignal, {
            noticeId: `malformed-${run.s.seed}`,
            productId: 3,
            eventType: 41,
            notifyMs: now,
            payload: null,
          } as never)
          .catch(ignoreClosed);
        return;
    }
  };

  /** Waits (real time, bounded) until nothing is in flight; keeps the emulator clock on the server's meanwhile. */
  const settle = async (): Promise<void> => {
    const deadline = Date.now() + 5_000;
    let quietRounds = 0;
    while (Date.now() < deadline) {
      await sync();
      const busy = await isBusy(stack, running);
      if (!busy) {
        // Twice in a row, a few ms apart: a signal being delivered or a task being handed out shows on the second.
        if (++quietRounds >= 2) return;
      } else quietRounds = 0;
      await realSleep(busy === 'clock' ? 2 : 4);
    }
    const at = await env.currentTimeMs();
    for (const r of running) r.notes.push(`settle timed out at ${at - r.startedAt} ms`);
  };

  /** The workflow closed (or a cap was reached): collect what the close shows, free the lane, start the tail. */
  const close = async (run: Run, now: number, status: string | undefined): Promise<void> => {
    running.splice(running.indexOf(run), 1);
    const tasksAtClose = emu.tasks(run.cname);
    let result: RecordingResult | undefined;
    if (status === 'COMPLETED') result = (await run.wf.result()) as RecordingResult;
    if (status === undefined) await run.wf.terminate('sim: cap reached').catch(() => undefined);
    const history = await historyFacts(client, run.workflowId, run.firstRunId);
    // Everybody leaves (orphans idle-exit); late NCS and uploads settle during the tail.
    const channel = emu.channel(run.cname);
    for (const p of channel.participants()) channel.leave(p.uid);
    run.closed = {
      ...(status === undefined ? {} : { at: now }),
      status: status ?? 'NOT_CLOSED',
      ...(result ? { result } : {}),
      tasksAtClose,
      history,
      tailEnd: now + TAIL_MS,
    };
    tails.push(run);
    freeLanes.push(run.lane);
  };

  const finish = async (run: Run): Promise<void> => {
    tails.splice(tails.indexOf(run), 1);
    const c = run.closed!;
    const unanswered = await Promise.race([
      Promise.all(run.background).then(() => 0),
      realSleep(1_000).then(() => run.background.length),
    ]);
    if (unanswered > 0) run.notes.push('an update call was still waiting for its answer after the tail');
    for (const id of run.faultIds) emu.faults.remove(id);
    const tasksAfter = emu.tasks(run.cname);
    const sids = new Set(tasksAfter.map((t) => t.sid));
    const filesBySid: Record<string, string[]> = {};
    for (const n of emu.notifications(run.notificationMark)) {
      if (!sids.has(n.payload.sid) || ![4, 31, 32, 71].includes(n.eventType)) continue;
      const list = (filesBySid[n.payload.sid] ??= []);
      for (const name of fileNames(n.payload.details.fileList)) if (!list.includes(name)) list.push(name);
    }
    const resourceIds = new Set(tasksAfter.map((t) => t.resourceId));
    const calls = emu
      .calls(run.callMark)
      .filter(
        (c) =>
          (c.body as { cname?: unknown } | undefined)?.cname === run.cname ||
          (c.sid !== undefined && sids.has(c.sid)) ||
          (c.resourceId !== undefined && resourceIds.has(c.resourceId)),
      );
    if (slowJumps > 0) {
      run.notes.push(
        `${slowJumps} jump(s) ran at wall-clock rate so far in the block; ${leakedLocksReleased} leaked lock(s) released`,
      );
    }
    onFacts({
      seed: run.s.seed,
      workflowId: run.workflowId,
      startedAt: run.startedAt,
      closed: c.at !== undefined,
      closeStatus: c.status,
      ...(c.at === undefined ? {} : { closedAt: c.at }),
      ...(c.result ? { result: c.result } : {}),
      tasksAtClose: c.tasksAtClose,
      tasksAfter,
      filesBySid,
      calls,
      workflowTaskFailures: c.history.failures,
      workflowTaskFailureCauses: c.history.causes,
      unhandledCommandRetries: c.history.unhandledCommand,
      runs: c.history.runs,
      ...(run.stopRequestedAt === undefined ? {} : { stopRequestedAt: run.stopRequestedAt }),
      ...(run.cancelRequestedAt === undefined ? {} : { cancelRequestedAt: run.cancelRequestedAt }),
      failoverMs: run.failoverMs,
      faultRules: run.faultRules,
      updatesRequested: run.updatesRequested,
      simulatedMs: (c.at ?? c.tailEnd - TAIL_MS) - run.startedAt,
      realMs: Date.now() - run.realStart,
      drift: { maxRequestLagMs: stack.drift.requestLagMs, maxLateTimerMs },
      skipped: run.skipped,
      notes: run.notes,
    });
  };

  // Watchdog: names the step the driver is waiting on when it has not moved for 30 s real (progress.log, stderr).
  let step = 'start';
  let stepAt = Date.now();
  const mark = (what: string) => {
    step = what;
    stepAt = Date.now();
  };
  const watchdog = setInterval(() => {
    if (Date.now() - stepAt > 30_000) {
      process.stderr.write(
        `sim watchdog: waiting ${((Date.now() - stepAt) / 1000).toFixed(0)} s on "${step}"; running seeds ${running.map((r) => r.s.seed).join(',')}\n`,
      );
      stepAt = Date.now();
    }
  }, 5_000);
  watchdog.unref();
  try {
    await loop();
  } finally {
    clearInterval(watchdog);
  }

  async function loop(): Promise<void> {
    for (;;) {
      // Fill the free lanes.
      while (!exhausted && freeLanes.length > 0) {
        const next = queue.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        freeLanes.sort((a, b) => a - b);
        mark(`begin seed ${next.value.seed}`);
        await begin(next.value, freeLanes.shift()!);
      }
      if (running.length === 0 && tails.length === 0) break;

      mark('settle');
      const ts = Date.now();
      await settle();
      if (process.env.SIM_DEBUG) console.log(`sim settled in ${Date.now() - ts} ms`);
      const now = await sync();
      let applied = false;
      for (const run of [...running]) {
        const due = run.pending.filter((a) => run.startedAt + a.at <= now);
        if (due.length === 0) continue;
        run.pending = run.pending.filter((a) => run.startedAt + a.at > now);
        for (const a of due) {
          mark(`seed ${run.s.seed}: ${a.kind}`);
          await apply(run, a, now);
        }
        applied = true;
      }
      if (applied) continue;
      for (const run of [...running]) {
        mark(`seed ${run.s.seed}: describe`);
        const status = (await run.wf.describe()).status.name;
        mark(`seed ${run.s.seed}: close (${status})`);
        if (status !== 'RUNNING') await close(run, now, status);
        else if (now >= run.hardCapAt || Date.now() - run.realStart > REAL_CAP_MS) {
          run.notes.push(now >= run.hardCapAt ? 'hard cap (simulated) reached' : 'real-time cap reached');
          run.notes.push(await stuckAt(run.wf));
          await close(run, now, undefined);
        }
      }
      for (const run of [...tails]) {
        // The tail ends at its simulated end, or when nothing is scheduled any more (nothing left to settle).
        if (now >= run.closed!.tailEnd || (running.length === 0 && emu.clock.nextTimerAt() === undefined)) {
          mark(`seed ${run.s.seed}: finish`);
          await finish(run);
        }
      }
      if (freeLanes.length > 0 && !exhausted) continue;
      if (running.length === 0 && tails.length === 0) continue;

      const candidates = [now + MAX_JUMP_MS];
      for (const run of running) {
        candidates.push(run.hardCapAt);
        const nextAction = run.pending[0];
        if (nextAction) candidates.push(run.startedAt + nextAction.at);
      }
      for (const run of tails) candidates.push(run.closed!.tailEnd);
      const nextTimer = emu.clock.nextTimerAt();
      if (nextTimer !== undefined) candidates.push(nextTimer);
      const target = Math.min(...candidates);
      if (process.env.SIM_DEBUG)
        console.log(`sim ${now} jump ${target - now} running ${running.length} tails ${tails.length}`);
      mark(`jump ${target - now} ms`);
      const tj = Date.now();
      if (target > now) await jump(target - now);
      if (process.env.SIM_DEBUG) console.log(`sim jumped in ${Date.now() - tj} ms`);
      else await realSleep(1);
    }
  }
}

function fileNames(fileList: unknown): string[] {
  if (typeof fileList === 'string') return fileList ? [fileList] : [];
  if (!Array.isArray(fileList)) return [];
  return fileList.flatMap((e: unknown) =>
    typeof e === 'object' && e !== null && typeof (e as { fileName?: unknown }).fileName === 'string'
      ? [(e as { fileName: string }).fileName]
      : typeof e === 'string'
        ? [e]
        : [],
  );
}

function ignoreClosed(e: unknown): void {
  if (e instanceof WorkflowNotFoundError) return;
  if (e instanceof Error && /already completed|not found|closed/i.test(e.message)) return;
  throw e;
}

/**
 * Releases time-skipping locks the test server leaked: unlock, then watch the server's time for 100 ms; if it still
 * moves at wall-clock rate another lock remains (unlock again, at most 5); if it skips, the base lock of an idle
 * environment was reached and is put back. @returns how many leaked locks were released.
 */
async function releaseLeakedLocks(env: TestWorkflowEnvironment): Promise<number> {
  const test = env.connection.testService;
  if (!test) return 0;
  let released = 0;
  for (let i = 0; i < 5; i++) {
    try {
      await test.unlockTimeSkipping({});
    } catch {
      break;
    }
    const t1 = await env.currentTimeMs();
    await realSleep(100);
    const t2 = await env.currentTimeMs();
    if (t2 - t1 > 1_000) {
      await test.lockTimeSkipping({});
      break;
    }
    released++;
  }
  return released;
}

/** Where a workflow that did not close stands: its pending workflow task and activities, its last history events. */
async function stuckAt(wf: ReturnType<Client['workflow']['getHandle']>): Promise<string> {
  try {
    const d = await wf.describe();
    const events = (await wf.fetchHistory()).events ?? [];
    const names = events
      .slice(-4)
      .map((e) => (temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? '?').replace('EVENT_TYPE_', ''));
    const wft = d.raw.pendingWorkflowTask;
    return `stuck: pending workflow task ${wft ? `state ${wft.state} attempt ${wft.attempt}` : 'none'}, activities ${JSON.stringify((d.raw.pendingActivities ?? []).map((a) => [a.activityType?.name, a.state, a.attempt]))}, last events ${names.join(' ')}`;
  } catch (e) {
    return `stuck: describe failed (${e instanceof Error ? e.message : String(e)})`;
  }
}

/** Something is in flight: an HTTP request at the emulator, an NCS delivery, a signal, a workflow task, an activity. */
async function isBusy(stack: SimStack, running: Run[]): Promise<false | 'clock' | 'work'> {
  const r = stack.emu.requestsInFlight();
  if (r.inFlight > 0) return r.waitingOnClock === r.inFlight ? 'clock' : 'work';
  const ncsIdle = await Promise.race([stack.emu.ncsIdle().then(() => true), realSleep(0).then(() => false)]);
  if (!ncsIdle) return 'work';
  const st = stack.delivery.stats;
  if (st.accepted > st.signalled + st.sidHeld + st.deadLettered) return 'work';
  const started = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
  for (const run of running) {
    try {
      const d = await run.wf.describe();
      if (d.status.name !== 'RUNNING') continue;
      if (d.raw.pendingWorkflowTask) return 'work';
      if ((d.raw.pendingActivities ?? []).some((a) => a.state === started)) return 'work';
    } catch {
      // not started yet or gone: nothing to wait for
    }
  }
  return false;
}

async function historyFacts(
  client: Client,
  workflowId: string,
  firstRunId: string,
): Promise<{ failures: number; runs: number; unhandledCommand: number; causes: string[] }> {
  const failed = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
  let failures = 0;
  let unhandledCommand = 0;
  const causes: string[] = [];
  let runs = 0;
  let runId: string | undefined = firstRunId;
  while (runId && runs < 100) {
    const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs++;
    const events = history.events ?? [];
    for (const e of events.filter((e) => e.eventType === failed)) {
      const cause = e.workflowTaskFailedEventAttributes?.cause ?? 0;
      // UNHANDLED_COMMAND: a signal or update arrived while the task that completes the run was in flight; the server
      // refuses that completion and the SDK runs the task again with the new event. Temporal's own mechanics, not a
      // failure of the workflow code: counted apart.
      if (cause === temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND) {
        unhandledCommand++;
        continue;
      }
      causes.push(
        `${temporal.api.enums.v1.WorkflowTaskFailedCause[cause] ?? cause}: ${e.workflowTaskFailedEventAttributes?.failure?.message ?? ''}`,
      );
      failures++;
      if (process.env.SIM_DEBUG)
        console.log(
          'WFT failed:',
          JSON.stringify(e.workflowTaskFailedEventAttributes?.failure?.message),
          e.workflowTaskFailedEventAttributes?.cause,
        );
    }
    runId = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return { failures, runs, unhandledCommand, causes };
}
