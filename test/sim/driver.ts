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
import { startEmulator, type CallLogEntry, type Emulator, type TaskSnapshot } from '../../src/emulator';
import { DeadLetterLog } from '../../src/receiver/dead-letter';
import { NotificationDelivery } from '../../src/receiver/delivery';
import { buildReceiver } from '../../src/receiver/receiver';
import { createTimeSkippingEnv } from '../support/temporal';
import { closeBoundMs, type Action, type Scenario } from './scenario';

/** Longest single jump of the test server's time, ms (bounds how late an emulator timer born inside a jump runs). */
export const MAX_JUMP_MS = 15_000;
/** Real time a seed may take before the driver gives up on it (recorded as not closed). */
const REAL_CAP_MS = 180_000;
/** After the workflow closed: how much simulated time to let run so late NCS and orphan tasks settle. */
const TAIL_MS = 20 * 60_000;

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
  worker: { current: Worker; running: Promise<void> };
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
      // Another test of this process created the runtime already (jest --runInBand): keep it.
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
  });
  const newWorker = () =>
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle: bundle,
      activities,
      shutdownGraceTime: '0 ms',
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
  const first = await newWorker();
  const worker = { current: first, running: first.run() };
  const stack: SimStack = {
    env,
    client,
    emu,
    bundle,
    delivery,
    worker,
    drift,
    runsOfCname: new Map(),
    close: async () => {
      pumping = false;
      await pump;
      worker.current.shutdown();
      await worker.running.catch(() => undefined);
      await receiver.close();
      await delivery.drain(1_000);
      await emu.close();
      await env.teardown();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  (stack as SimStack & { newWorker: typeof newWorker }).newWorker = newWorker;
  return stack;
}

/** Shuts the Worker down (sticky cache gone, activities in flight cancelled) and starts a new one. */
async function restartWorker(stack: SimStack): Promise<void> {
  const { worker } = stack;
  worker.current.shutdown();
  await worker.running.catch(() => undefined);
  const next = await (stack as SimStack & { newWorker: () => Promise<Worker> }).newWorker();
  worker.current = next;
  worker.running = next.run();
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

/** Runs one scenario to the end and returns its facts. */
export async function runScenario(stack: SimStack, s: Scenario): Promise<SeedFacts> {
  const { env, emu, client } = stack;
  const realStart = Date.now();
  const n = (stack.runsOfCname.get(s.cname) ?? 0) + 1;
  stack.runsOfCname.set(s.cname, n);
  const cname = n === 1 ? s.cname : `${s.cname}-${n}`;
  const workflowId = recordingWorkflowId(APP_ID, cname, s.uid);
  const notes: string[] = [];
  const skipped: string[] = [];
  let maxLateTimerMs = 0;
  stack.drift.requestLagMs = 0;

  const sync = async (): Promise<number> => {
    const t = await env.currentTimeMs();
    const next = emu.clock.nextTimerAt();
    if (next !== undefined && next < t) maxLateTimerMs = Math.max(maxLateTimerMs, t - Math.max(next, emu.clock.now()));
    await emu.clock.advanceTo(t);
    return t;
  };

  emu.faults.clear();
  emu.clearCalls();
  const notificationsBefore = emu.notifications().length;
  if (!s.ncs) emu.faults.add({ kind: 'ncsDrop' });
  if (s.upload) emu.faults.add({ kind: 'upload', times: 1, ...s.upload });

  const startedAt = await sync();
  const handle = await client.workflow.start('recordingWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId,
    args: [inputOf(s, cname)],
  });
  const wf = client.workflow.getHandle(workflowId);
  const channel = emu.channel(cname);
  let stopRequestedAt: number | undefined;
  let cancelRequestedAt: number | undefined;
  let failoverMs = 0;
  let faultRules = 0;
  let updatesRequested = 0;
  const background: Promise<unknown>[] = [];
  const bound = closeBoundMs(s);
  const hardCapAt = startedAt + bound + 600_000;

  const apply = async (a: Action, now: number): Promise<void> => {
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
        stopRequestedAt ??= now;
        await wf.signal(stopSignal, 'sim: stop signal').catch(ignoreClosed);
        return;
      case 'stopUpdate':
        stopRequestedAt ??= now;
        background.push(wf.executeUpdate(stopUpdate, { args: ['sim: stop update'] }).catch(() => undefined));
        return;
      case 'cancel':
        cancelRequestedAt ??= now;
        await wf.cancel().catch(ignoreClosed);
        return;
      case 'layoutSignal':
        updatesRequested++;
        await wf.signal(updateLayoutSignal, a.layout).catch(ignoreClosed);
        return;
      case 'layoutUpdate':
        updatesRequested++;
        background.push(wf.executeUpdate(updateLayoutUpdate, { args: [a.layout] }).catch(() => undefined));
        return;
      case 'subscription':
        updatesRequested++;
        await wf.signal(updateSubscriptionSignal, a.subscription).catch(ignoreClosed);
        return;
      case 'fault':
        if (!a.rule.kind.startsWith('ncs') && a.rule.kind !== 'upload') faultRules++;
        if (a.rule.kind === 'notFound') failoverMs += a.rule.forMs ?? 0;
        emu.faults.add(a.rule);
        return;
      case 'failover': {
        const live = emu.tasks().filter((t) => t.cname === cname && t.phase === 'recording');
        const task = live[live.length - 1];
        if (!task) {
          skipped.push(`failover at ${a.at}: no live task`);
          return;
        }
        failoverMs += a.ms;
        emu.failover(
          task.sid,
          a.ms,
          a.oldRecorderLeaveAfterMs === undefined ? {} : { oldRecorderLeaveAfterMs: a.oldRecorderLeaveAfterMs },
        );
        return;
      }
      case 'restartWorker':
        await restartWorker(stack);
        return;
      case 'malformedNotification':
        await wf
          .signal(agoraNotificationSignal, {
            noticeId: `malformed-${s.seed}`,
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
  const settle = async (tail = false): Promise<void> => {
    const deadline = Date.now() + 5_000;
    let quietRounds = 0;
    while (Date.now() < deadline) {
      await sync();
      const busy = await isBusy(stack, wf, tail);
      if (!busy) {
        // Twice in a row, a few ms apart: a signal being delivered or a task being handed out shows on the second.
        if (++quietRounds >= 2) return;
      } else quietRounds = 0;
      await realSleep(busy === 'clock' ? 2 : 4);
    }
    notes.push(`settle timed out at ${(await env.currentTimeMs()) - startedAt} ms`);
    if (process.env.SIM_DEBUG)
      console.log(
        'settle timeout',
        JSON.stringify(
          await wf.describe().then((d) => ({
            wft: d.raw.pendingWorkflowTask,
            acts: d.raw.pendingActivities?.map((a) => [a.activityType?.name, a.state, a.attempt]),
          })),
        ),
        JSON.stringify(emu.requestsInFlight()),
        JSON.stringify(stack.delivery.stats),
      );
  };

  let pending = s.actions.map((a) => ({ ...a }));
  let closedAt: number | undefined;
  let closeStatus = 'RUNNING';
  let now = startedAt;
  for (;;) {
    await settle();
    now = await sync();
    const due = pending.filter((a) => startedAt + a.at <= now);
    if (due.length > 0) {
      pending = pending.filter((a) => startedAt + a.at > now);
      for (const a of due) await apply(a, now);
      continue;
    }
    const d = await describeChain(wf);
    if (d !== 'RUNNING') {
      closeStatus = d;
      closedAt = now;
      break;
    }
    if (now >= hardCapAt || Date.now() - realStart > REAL_CAP_MS) {
      notes.push(now >= hardCapAt ? 'hard cap (simulated) reached' : 'real-time cap reached');
      break;
    }
    const candidates = [now + MAX_JUMP_MS, hardCapAt];
    const nextAction = pending[0];
    if (nextAction) candidates.push(startedAt + nextAction.at);
    const nextTimer = emu.clock.nextTimerAt();
    if (nextTimer !== undefined) candidates.push(nextTimer);
    const target = Math.min(...candidates);
    if (process.env.SIM_DEBUG)
      console.log(`real ${Date.now() - realStart} sim ${now - startedAt} jump ${target - now}`);
    if (target > now) await env.sleep(target - now);
    else await realSleep(1);
  }

  const tasksAtClose = emu.tasks().filter((t) => t.cname === cname);
  let result: RecordingResult | undefined;
  if (closeStatus === 'COMPLETED') result = (await wf.result()) as RecordingResult;
  if (closedAt === undefined) {
    await wf.terminate('sim: cap reached').catch(() => undefined);
    closeStatus = 'NOT_CLOSED';
  }
  const { failures, runs, unhandledCommand, causes } = await historyFacts(
    client,
    workflowId,
    handle.firstExecutionRunId,
  );

  // Tail: everybody leaves (orphans idle-exit), late NCS and uploads settle.
  for (const p of channel.participants()) channel.leave(p.uid);
  const tailEnd = (await sync()) + TAIL_MS;
  for (;;) {
    await settle(true);
    const t = await sync();
    const nextTimer = emu.clock.nextTimerAt();
    if (nextTimer === undefined || nextTimer > tailEnd || t >= tailEnd) break;
    await env.sleep(Math.max(1, Math.min(nextTimer - t, 60_000)));
  }
  // Updates still waiting (e.g. sent to a run that then continued as new) are not awaited forever.
  const unanswered = await Promise.race([
    Promise.all(background).then(() => 0),
    realSleep(2_000).then(() => background.length),
  ]);
  if (unanswered > 0) notes.push('an update call was still waiting for its answer after the tail');
  emu.faults.clear();

  const tasksAfter = emu.tasks().filter((t) => t.cname === cname);
  const sids = new Set(tasksAfter.map((t) => t.sid));
  const filesBySid: Record<string, string[]> = {};
  for (const n of emu.notifications().slice(notificationsBefore)) {
    if (!sids.has(n.payload.sid) || ![4, 31, 32, 71].includes(n.eventType)) continue;
    const list = (filesBySid[n.payload.sid] ??= []);
    for (const name of fileNames(n.payload.details.fileList)) if (!list.includes(name)) list.push(name);
  }
  const calls = emu.calls();
  return {
    seed: s.seed,
    workflowId,
    startedAt,
    closed: closedAt !== undefined,
    closeStatus,
    ...(closedAt === undefined ? {} : { closedAt }),
    ...(result ? { result } : {}),
    tasksAtClose,
    tasksAfter,
    filesBySid,
    calls,
    workflowTaskFailures: failures,
    workflowTaskFailureCauses: causes,
    unhandledCommandRetries: unhandledCommand,
    runs,
    ...(stopRequestedAt === undefined ? {} : { stopRequestedAt }),
    ...(cancelRequestedAt === undefined ? {} : { cancelRequestedAt }),
    failoverMs,
    faultRules,
    updatesRequested,
    simulatedMs: (closedAt ?? now) - startedAt,
    realMs: Date.now() - realStart,
    drift: { maxRequestLagMs: stack.drift.requestLagMs, maxLateTimerMs },
    skipped,
    notes,
  };
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

/** Something is in flight: an HTTP request at the emulator, an NCS delivery, a signal, a workflow task, an activity. */
async function isBusy(
  stack: SimStack,
  wf: ReturnType<Client['workflow']['getHandle']>,
  tail: boolean,
): Promise<false | 'clock' | 'work'> {
  const r = stack.emu.requestsInFlight();
  if (r.inFlight > 0) return r.waitingOnClock === r.inFlight ? 'clock' : 'work';
  const ncsIdle = await Promise.race([stack.emu.ncsIdle().then(() => true), realSleep(0).then(() => false)]);
  if (!ncsIdle) return 'work';
  // After the close, signals can change nothing: the receiver's deliveries (dead-lettered) are not waited for.
  if (tail) return false;
  const st = stack.delivery.stats;
  if (st.accepted > st.signalled + st.sidHeld + st.deadLettered) return 'work';
  try {
    const d = await wf.describe();
    if (d.status.name !== 'RUNNING') return false;
    if (d.raw.pendingWorkflowTask) return 'work';
    const started = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
    if ((d.raw.pendingActivities ?? []).some((a) => a.state === started)) return 'work';
  } catch {
    return false;
  }
  return false;
}

/** The status of the chain's latest run. */
async function describeChain(wf: ReturnType<Client['workflow']['getHandle']>): Promise<string> {
  const d = await wf.describe();
  return d.status.name;
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
