/**
 * History cost, exact, on the official time-skipping test server (.tools/bin/temporal-test-server) with stub
 * activities that answer like the real ones (src/contract/activities.ts): the events a recording writes.
 *
 * - lifecycle: start → recording → one layout (signal) → stop (signal) → uploaded, without NCS; and the same with the
 *   notifications the emulator sends for such a session (40, 30 at start; 42, 4, 3 when a participant publishes; 41,
 *   33, 31, 11 at the end), each signalled
 *   only when the receiver would signal it (src/receiver/receiver.ts `signalsWorkflow`, and
 *   src/receiver/delivery.ts `holdsSid`: recorder_started reaches a workflow only while it lacks that sid).
 * - at rest: a recording left idle for `hours` hours (time skipped), events per hour; without NCS (the workflow's own
 *   cost: health checks) and with Agora's per-minute `uploading_progress` (33) through the receiver's filter for one
 *   hour (progress below 10000 is acknowledged, not signalled).
 * Workflows start with the search attributes the client library sets (AgoraChannel, RecordingStatus=acquiring).
 */
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import {
  type RecordingActivities,
  agoraNotificationSignal,
  recordingWorkflowName,
  stopSignal,
  updateLayoutSignal,
  type RecordingInput,
  agoraChannelKey,
  recordingStatusKey,
} from '../../src/contract';
import type { NcsNotification } from '../../src/agora/notifications';
import { holdsSid } from '../../src/receiver/delivery';
import { signalsWorkflow } from '../../src/receiver/receiver';
import { waitFor } from '../../src/dev/wait';
import { round, sleep } from '../lib/stats';
import { benchInput, layoutNo, type Log } from './common';

export interface HistoryResult {
  lifecycleEvents: number;
  lifecycleEventsWithNcs: number;
  /** Of the session's 9 notifications, those the receiver would signal and that found the workflow open. */
  ncsDelivered: number;
  restEventsPerHour: number;
  restHours: number;
  restEventsPerHourWithProgress: number;
  /** Of the 60 uploading_progress notifications of that hour, those the receiver would signal. */
  progressSignalled: number;
  /** Event types of the lifecycle without NCS, for the note. */
  lifecycleEventTypes: Record<string, number>;
  /** Event types of one idle hour (the workflow's own cost), for the note. */
  restHourEventTypes: Record<string, number>;
}

const CNAME = 'bench-history';
const UID = '4000000001';

function input(o: { maxDurationSeconds?: number } = {}): RecordingInput {
  const base = benchInput(CNAME);
  return { ...base, uid: UID, policy: { ...base.policy, maxDurationSeconds: o.maxDurationSeconds ?? 14_400 } };
}

/** Stub activities: the real activities' results for a healthy session. */
const stubs: RecordingActivities = {
  acquire: () => Promise.resolve({ resourceId: 'rid-bench' }),
  start: () => Promise.resolve({ alreadyStarted: false, sid: 'sid-bench' }),
  query: () => Promise.resolve({ kind: 'ok', status: 5 }),
  update: () => Promise.resolve({ kind: 'ok' }),
  updateLayout: () => Promise.resolve({ kind: 'ok' }),
  stop: () =>
    Promise.resolve({
      kind: 'stopped',
      uploadingStatus: 'uploaded',
      fileList: [{ fileName: 'bench/sid-bench_bench-history.m3u8', trackType: 'audio_and_video', uid: '0' }],
    }),
};

let notice = 0;
function ncs(eventType: number, details: Record<string, unknown> = {}): NcsNotification {
  notice++;
  return {
    noticeId: `bench-notice-${notice}`,
    productId: 3,
    eventType,
    notifyMs: 1_700_000_000_000 + notice,
    payload: {
      cname: CNAME,
      uid: UID,
      sid: 'sid-bench',
      sequence: notice,
      sendts: Date.now(), // the event time, as Agora sets it (this server's clock starts at the wall clock)
      serviceType: 0,
      details,
    },
  };
}

type Handle = WorkflowHandle;

/**
 * Waits for a RecordingStatus search attribute value. Not with the status query: the time-skipping server answers a
 * query through an extra workflow task that it writes into the history (3 events the dev server never writes).
 */
async function waitState(h: Handle, state: string): Promise<void> {
  await waitFor(
    `history: the recording to reach ${state}`,
    async () => ((await h.describe()).typedSearchAttributes.get(recordingStatusKey) === state ? true : undefined),
    { timeoutMs: 30_000, everyMs: 50, onError: 'throw' },
  );
}

/**
 * Waits until the history stops growing and ends with a completed workflow task (or the execution closed): every
 * step of a lifecycle is then its own workflow task, as when the requests come seconds apart in real life, so the
 * counts do not depend on how signals happen to batch.
 */
async function quiescent(h: Handle): Promise<void> {
  const name = (e: temporal.api.history.v1.IHistoryEvent) =>
    temporal.api.enums.v1.EventType[e.eventType ?? 0]?.replace('EVENT_TYPE_', '') ?? '?';
  let last = -1;
  let stable = 0;
  await waitFor(
    'history: the workflow to become quiescent',
    async () => {
      const names = (await historyEvents(h)).map(name);
      const lastTask = names.filter((n) => n.startsWith('WORKFLOW_TASK_')).pop();
      const closed = names.some((n) => n === 'WORKFLOW_EXECUTION_COMPLETED' || n.endsWith('CONTINUED_AS_NEW'));
      const open =
        names.filter((n) => n === 'ACTIVITY_TASK_SCHEDULED').length -
        names.filter((n) => /^ACTIVITY_TASK_(COMPLETED|FAILED|TIMED_OUT|CANCELED)$/.test(n)).length;
      stable = names.length === last ? stable + 1 : 0;
      last = names.length;
      return closed || (stable >= 2 && lastTask === 'WORKFLOW_TASK_COMPLETED' && open === 0) ? true : undefined;
    },
    { timeoutMs: 30_000, everyMs: 100, onError: 'throw' },
  );
}

/** Events by type (EVENT_TYPE_ prefix dropped), divided by `per`. */
function countTypes(events: temporal.api.history.v1.IHistoryEvent[], per: number): Record<string, number> {
  const types: Record<string, number> = {};
  for (const e of events) {
    const name = temporal.api.enums.v1.EventType[e.eventType ?? 0]?.replace('EVENT_TYPE_', '') ?? '?';
    types[name] = (types[name] ?? 0) + 1;
  }
  for (const k of Object.keys(types)) types[k] = round(types[k]! / per, 2);
  return types;
}

async function historyEvents(h: Handle): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  return (await h.fetchHistory()).events ?? [];
}

export async function runHistory(o: { restHours: number; log: Log }): Promise<HistoryResult> {
  const server =
    process.env.TEMPORAL_TEST_SERVER_PATH ?? path.resolve(__dirname, '../../.tools/bin/temporal-test-server');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: server } },
  });
  try {
    const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: { AgoraChannel: keyword, AgoraSid: keyword, RecordingStatus: keyword },
    });
    const silent = {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    };
    const bundle: WorkflowBundleWithSourceMap = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../src/workflows'),
      logger: silent,
    });
    const taskQueue = 'bench-history';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: stubs,
    });
    const client: Client = env.client;
    let run = 0;
    const start = async (maxDurationSeconds?: number): Promise<Handle> => {
      const h = await client.workflow.start(recordingWorkflowName, {
        taskQueue,
        workflowId: `bench-history-${++run}`,
        args: [input(maxDurationSeconds === undefined ? {} : { maxDurationSeconds })],
        typedSearchAttributes: [
          { key: agoraChannelKey, value: CNAME },
          { key: recordingStatusKey, value: 'acquiring' },
        ],
      });
      await waitState(h, 'recording');
      await quiescent(h);
      return h;
    };
    return await worker.runUntil(async () => {
      o.log('  history: lifecycle without NCS');
      const a = await start();
      await a.signal(updateLayoutSignal, layoutNo(0));
      await quiescent(a);
      await a.signal(stopSignal, 'bench');
      await a.result();
      const aEvents = await historyEvents(a);
      const lifecycleEvents = aEvents.length;
      const lifecycleEventTypes = countTypes(aEvents, 1);

      o.log('  history: lifecycle with the NCS notifications of a session');
      const b = await start();
      const steps: [typeof stopSignal | typeof updateLayoutSignal | typeof agoraNotificationSignal, unknown][] = [
        [agoraNotificationSignal, ncs(40)],
        [agoraNotificationSignal, ncs(30)],
        // A participant publishes: the first slice (42), the file list (4) and the status update (3, status 5).
        [agoraNotificationSignal, ncs(42, { streamUid: '0', trackType: 'audio_and_video' })],
        [agoraNotificationSignal, ncs(4, { fileList: 'sid-bench_room.m3u8' })],
        [agoraNotificationSignal, ncs(3, { status: 5 })],
        [updateLayoutSignal, layoutNo(0)],
        [stopSignal, 'bench'],
        [agoraNotificationSignal, ncs(41, { leaveCode: 2 })],
        [agoraNotificationSignal, ncs(33, { progress: 10_000 })],
        [agoraNotificationSignal, ncs(31, { status: 0 })],
        [agoraNotificationSignal, ncs(11, { exitStatus: 0 })],
      ];
      // Notifications that arrive after the workflow completed (a sync stop already reported the upload) never reach
      // its history: the receiver's signal finds a closed workflow.
      let ncsDelivered = 0;
      for (const [signal, arg] of steps) {
        if (signal === agoraNotificationSignal) {
          const n = arg as NcsNotification;
          if (!signalsWorkflow(n) || (await holdsSid(client, b.workflowId, n))) continue;
        }
        try {
          await b.signal(signal.name, arg);
        } catch (e) {
          if (e instanceof WorkflowNotFoundError) continue;
          throw e;
        }
        if (signal === agoraNotificationSignal) ncsDelivered++;
        await quiescent(b);
      }
      await b.result();
      const lifecycleEventsWithNcs = (await historyEvents(b)).length;

      o.log(`  history: ${o.restHours} idle hour(s), time skipped`);
      const c = await start(86_400);
      await sleep(500);
      const c0 = (await historyEvents(c)).length;
      await env.sleep(o.restHours * 3_600_000);
      await sleep(500);
      const cEvents = await historyEvents(c);
      const restEventsPerHour = (cEvents.length - c0) / o.restHours;
      const types = countTypes(cEvents.slice(c0), o.restHours);
      await c.signal(stopSignal, 'bench');
      await c.result();

      o.log('  history: one idle hour with uploading_progress (33) every minute');
      const d = await start(86_400);
      await sleep(500);
      const d0 = (await historyEvents(d)).length;
      let progressSignalled = 0;
      for (let m = 0; m < 60; m++) {
        await env.sleep(60_000);
        const n = ncs(33, { progress: 0 });
        if (!signalsWorkflow(n)) continue;
        progressSignalled++;
        await d.signal(agoraNotificationSignal, n);
      }
      await sleep(500);
      const d1 = (await historyEvents(d)).length;
      await d.signal(stopSignal, 'bench');
      await d.result();
      return {
        lifecycleEvents,
        lifecycleEventsWithNcs,
        ncsDelivered,
        restEventsPerHour: round(restEventsPerHour, 2),
        restHours: o.restHours,
        restEventsPerHourWithProgress: d1 - d0,
        progressSignalled,
        lifecycleEventTypes,
        restHourEventTypes: types,
      };
    });
  } finally {
    await env.teardown();
  }
}
