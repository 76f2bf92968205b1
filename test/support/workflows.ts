/**
 * Test harness for the recording workflow on the official time-skipping test server: one environment and one workflow
 * bundle per test file, a fresh worker and task queue per test, stub activities that follow the contract of
 * src/contract/activities.ts (results for business outcomes, typed ApplicationFailures otherwise), NCS notification
 * builders, and history checks (no secret, event counts, fixtures for the replay test).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  AgoraFailureType,
  type RecordingActivities,
  type StartInput,
  type StopResult,
  type QueryResult,
  type StartResult,
  type UpdateResult,
  statusQuery,
  type RecordingInput,
  type RecordingResult,
  type RecordingState,
  type RecordingStatus,
} from '../../src/contract';
import type { NcsNotification } from '../../src/agora/notifications';
import { recordingWorkflow } from '../../src/workflows';
import { waitFor, WaitTimeoutError } from '../../src/dev/wait';
import { createTimeSkippingEnv, uniqueTaskQueue } from './temporal';

export { uniqueTaskQueue };
type Handle = WorkflowHandleWithFirstExecutionRunId<typeof recordingWorkflow>;

/** A storage secret configured in the stub worker deps: it must never appear in any workflow history. */
export const FAKE_STORAGE_SECRET = 'FAKE-storage-secretKey-7f3a9c-must-not-leak';
export const FAKE_ACCESS_KEY = 'FAKE-accessKey-AKIA0000LEAK';

/** Stub worker configuration, shaped like the real one: storage profiles resolved inside the activity. */
export const stubDeps = {
  storageProfiles: {
    default: { vendor: 1, region: 0, bucket: 'recordings', accessKey: FAKE_ACCESS_KEY, secretKey: FAKE_STORAGE_SECRET },
  } as Record<string, { vendor: number; region: number; bucket: string; accessKey: string; secretKey: string }>,
};

export const CNAME = 'room-1';
export const UID = '527841';

/** A valid mix input; `policy` merged in. */
export function mixInput(overrides: Partial<RecordingInput> = {}): RecordingInput {
  return {
    cname: CNAME,
    uid: UID,
    mode: 'mix',
    recordingConfig: {
      channelType: 0,
      maxIdleTime: 30,
      transcodingConfig: {
        width: 640,
        height: 360,
        fps: 15,
        bitrate: 500,
        mixedVideoLayout: 1,
        backgroundColor: '#FF0000',
      },
    },
    recordingFileConfig: { avFileType: ['hls', 'mp4'] },
    storage: { profile: 'default', fileNamePrefix: ['recordings', 'room1'] },
    ...overrides,
  };
}

/** The files a mix recording with hls+mp4 produces (https://docs.agora.io/en/cloud-recording/develop/manage-files). */
export const mixFiles = (sid: string) => [
  {
    fileName: `recordings/room1/${sid}_${CNAME}.m3u8`,
    trackType: 'audio_and_video',
    uid: '0',
    mixedAllUser: true,
    isPlayable: true,
    sliceStartTime: 1_700_000_000_000,
  },
  {
    fileName: `recordings/room1/${sid}_${CNAME}_0.mp4`,
    trackType: 'audio_and_video',
    uid: '0',
    mixedAllUser: true,
    isPlayable: true,
    sliceStartTime: 1_700_000_000_000,
  },
];

type Awaitable<T> = T | Promise<T>;

/** Per-test overrides of the stub activities; each receives the call number (1-based) of that activity. */
export interface StubBehaviour {
  acquire?: (n: number) => Awaitable<{ resourceId: string }>;
  start?: (n: number, input: StartInput) => Awaitable<StartResult>;
  query?: (n: number) => Awaitable<QueryResult>;
  update?: (n: number) => Awaitable<UpdateResult>;
  updateLayout?: (n: number) => Awaitable<UpdateResult>;
  stop?: (n: number) => Awaitable<StopResult>;
}

/** Stub activities implementing {@link RecordingActivities}, as jest mocks so tests can inspect the calls. */
export function stubActivities(behaviour: StubBehaviour = {}) {
  const count = { acquire: 0, start: 0, query: 0, update: 0, updateLayout: 0, stop: 0 };
  const activities = {
    acquire: jest.fn<ReturnType<RecordingActivities['acquire']>, Parameters<RecordingActivities['acquire']>>(
      async () => (behaviour.acquire ? behaviour.acquire(++count.acquire) : { resourceId: `rid-${++count.acquire}` }),
    ),
    start: jest.fn<ReturnType<RecordingActivities['start']>, Parameters<RecordingActivities['start']>>(
      async (input) => {
        // Like the real activity: resolve the storage profile by name, build the body with its credentials, never
        // return or log them.
        const profile = stubDeps.storageProfiles[input.storageProfile];
        if (!profile) {
          throw ApplicationFailure.create({
            type: AgoraFailureType.unknownStorageProfile,
            message: `no storage profile named "${input.storageProfile}"`,
            nonRetryable: true,
          });
        }
        const body = { cname: input.cname, uid: input.uid, clientRequest: { storageConfig: { ...profile } } };
        expect(body.clientRequest.storageConfig.secretKey).toBe(FAKE_STORAGE_SECRET);
        const n = ++count.start;
        return behaviour.start ? behaviour.start(n, input) : { alreadyStarted: false, sid: `sid-${n}` };
      },
    ),
    query: jest.fn<ReturnType<RecordingActivities['query']>, Parameters<RecordingActivities['query']>>(async () =>
      behaviour.query ? behaviour.query(++count.query) : { kind: 'ok', status: 5 },
    ),
    update: jest.fn<ReturnType<RecordingActivities['update']>, Parameters<RecordingActivities['update']>>(async () =>
      behaviour.update ? behaviour.update(++count.update) : { kind: 'ok' },
    ),
    updateLayout: jest.fn<
      ReturnType<RecordingActivities['updateLayout']>,
      Parameters<RecordingActivities['updateLayout']>
    >(async () => (behaviour.updateLayout ? behaviour.updateLayout(++count.updateLayout) : { kind: 'ok' })),
    stop: jest.fn<ReturnType<RecordingActivities['stop']>, Parameters<RecordingActivities['stop']>>(async (input) =>
      behaviour.stop
        ? behaviour.stop(++count.stop)
        : { kind: 'stopped', uploadingStatus: 'uploaded', fileList: mixFiles(input.sid) },
    ),
  } satisfies RecordingActivities;
  return activities;
}
export type StubActivities = ReturnType<typeof stubActivities>;

/**
 * A start stuck in flight: answers only after `ms` of wall time (the workflow has cancelled it by then, so the answer
 * is ignored). It does not heartbeat: a heartbeating activity that is cancelled leaves the time-skipping test server's
 * time locked for the rest of the file.
 */
export function answerLate<T>(ms: number, value: T): Promise<T> {
  return new Promise<T>((resolve) =>
    setTimeout(() => {
      resolve(value);
    }, ms),
  );
}

/** An activity answer held back until the test opens the gate: the test acts while the call is in flight. */
export function gate<T>(value: T): { open: () => void; answer: () => Promise<T> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    open,
    answer: async () => {
      await opened;
      return value;
    },
  };
}

let noticeCounter = 0;
/**
 * An NCS notification (https://docs.agora.io/en/cloud-recording/develop/receive-notifications) of this recording;
 * `noticeId` defaults to a fresh one.
 */
export function ncs(
  eventType: number,
  payload: {
    sid: string;
    sequence?: number;
    details?: Record<string, unknown>;
    uid?: string;
    cname?: string;
    /**
     * Event time, Unix ms; absent by default (the time-skipping server's clock runs ahead of the wall clock, and the
     * workflow tolerates a missing sendts).
     */
    sendts?: number;
  },
  noticeId = `notice-${++noticeCounter}-${Math.random().toString(36).slice(2, 8)}`,
): NcsNotification {
  return {
    noticeId,
    productId: 3,
    eventType,
    notifyMs: 1_700_000_000_000 + noticeCounter,
    payload: {
      cname: payload.cname ?? CNAME,
      uid: payload.uid ?? UID,
      sid: payload.sid,
      sequence: payload.sequence,
      sendts: payload.sendts,
      serviceType: 0,
      details: payload.details ?? {},
    },
  };
}

/** The time-skipping environment with the project's search attributes registered, and the workflow bundle. */
export async function setupEnvironment(): Promise<{
  env: TestWorkflowEnvironment;
  bundle: WorkflowBundleWithSourceMap;
}> {
  const env = await createTimeSkippingEnv();
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: { AgoraChannel: keyword, AgoraSid: keyword, RecordingStatus: keyword },
  });
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: quietLogger,
  });
  return { env, bundle };
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => {
    console.error(message);
  },
};

/** A running test: the workflow handle and the stubs, inside a worker that lives until `body` returns. */
export interface Run {
  handle: Handle;
  activities: StubActivities;
  env: TestWorkflowEnvironment;
}

/**
 * Starts a worker with the stubs and the recording workflow, runs `body`, then checks the history of every run of the
 * workflow for secrets and, with SAVE_HISTORIES set, saves it as a replay fixture named `fixture`.
 */
export async function withRecording<T>(
  ctx: { env: TestWorkflowEnvironment; bundle: WorkflowBundleWithSourceMap },
  options: {
    input: RecordingInput;
    activities: StubActivities;
    fixture?: string;
    /** Start with signalWithStart: the signal is delivered in the first workflow task, before any activity. */
    startSignal?: { signal: string; args: unknown[] };
  },
  body: (run: Run) => Promise<T>,
): Promise<T> {
  const taskQueue = uniqueTaskQueue('recording');
  const worker = await Worker.create({
    connection: ctx.env.nativeConnection,
    taskQueue,
    workflowBundle: ctx.bundle,
    activities: options.activities,
  });
  return worker.runUntil(async () => {
    const start = {
      taskQueue,
      workflowId: `recording/test-app/${options.input.cname}/${options.input.uid}/${uniqueTaskQueue('t')}`,
      args: [options.input] as [RecordingInput],
    };
    const s = options.startSignal;
    let handle: Handle;
    if (s) {
      const { signaledRunId } = await ctx.env.client.workflow.signalWithStart(recordingWorkflow, {
        ...start,
        signal: s.signal,
        signalArgs: s.args,
      });
      const h = ctx.env.client.workflow.getHandle<typeof recordingWorkflow>(start.workflowId, signaledRunId, {
        firstExecutionRunId: signaledRunId,
      });
      handle = Object.assign(h, { firstExecutionRunId: signaledRunId });
    } else {
      handle = await ctx.env.client.workflow.start(recordingWorkflow, start);
    }
    const out = await body({ handle, activities: options.activities, env: ctx.env });
    await checkHistories(ctx.env, handle, options.fixture);
    return out;
  });
}

/** Polls the status query until `predicate` holds (wall-clock polling: time does not skip meanwhile). */
export async function waitForStatus(
  handle: Handle,
  predicate: (s: RecordingStatus) => boolean,
  what = 'status',
  timeoutMs = 20_000,
): Promise<RecordingStatus> {
  let last: RecordingStatus | undefined;
  try {
    return await waitFor(
      what,
      async () => {
        last = await handle.query(statusQuery); // throws until the workflow started: retried
        return predicate(last) ? last : undefined;
      },
      { timeoutMs, everyMs: 50 },
    );
  } catch (e) {
    if (e instanceof WaitTimeoutError) throw new Error(`${e.message}; last status ${JSON.stringify(last)}`);
    throw e;
  }
}

/** Waits for a state. */
export const waitForState = (handle: Handle, state: RecordingState): Promise<RecordingStatus> =>
  waitForStatus(handle, (s) => s.state === state, `state ${state}`);

/** Polls until a jest mock has been called `n` times. */
export async function waitForCalls(mock: jest.Mock, n: number, timeoutMs = 20_000): Promise<void> {
  try {
    await waitFor(`${n} calls`, () => (mock.mock.calls.length >= n ? true : undefined), { timeoutMs, everyMs: 50 });
  } catch (e) {
    throw e instanceof WaitTimeoutError ? new Error(`${e.message}; got ${mock.mock.calls.length}`) : e;
  }
}

/** Waits until the workflow's last workflow task completed (nothing in flight), then returns the event count. */
export async function settledHistoryLength(handle: Handle): Promise<number> {
  let previous = -1;
  return waitFor(
    'the history to settle',
    async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const last = events[events.length - 1]?.eventType;
      const quiet =
        last === temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED ||
        last === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED ||
        last === temporal.api.enums.v1.EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES;
      const settled = quiet && events.length === previous;
      previous = events.length;
      return settled ? events.length : undefined;
    },
    { timeoutMs: 20_000, everyMs: 100, onError: 'throw' },
  );
}

/** Names of the events of a history, e.g. TIMER_STARTED, for readable assertions. */
export async function eventNames(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.map((e) => (temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? 'UNKNOWN').replace('EVENT_TYPE_', ''));
}

const fixturesDir = path.resolve(__dirname, '../fixtures/histories');

/** Every run of the workflow (continue-as-new chains): no configured secret in any; optionally saved as fixtures. */
async function checkHistories(env: TestWorkflowEnvironment, handle: Handle, fixture?: string): Promise<void> {
  const runs = await allRuns(env, handle);
  for (const [i, history] of runs.entries()) {
    const json = historyToFixture(history);
    // Payloads are base64 in the JSON: also search the raw encoding, where payload bytes appear as they are.
    const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
    for (const secret of [FAKE_STORAGE_SECRET, FAKE_ACCESS_KEY]) {
      expect(json).not.toContain(secret);
      expect(raw).not.toContain(secret);
    }
    if (fixture && process.env.SAVE_HISTORIES) {
      // SAVE_HISTORIES=1 adds missing fixtures (older ones keep proving that old histories still replay);
      // SAVE_HISTORIES=overwrite rewrites them all.
      fs.mkdirSync(fixturesDir, { recursive: true });
      const name = runs.length > 1 ? `${fixture}.run${i + 1}` : fixture;
      const file = path.join(fixturesDir, `${name}.json`);
      if (process.env.SAVE_HISTORIES === 'overwrite' || !fs.existsSync(file)) fs.writeFileSync(file, json + '\n');
    }
  }
}

/**
 * A history as JSON. (The SDK's historyToJSON fails in this install: two protobufjs copies.) Enums by name, 64-bit
 * ints as strings, bytes as base64; {@link fixtureToHistory} reads it back.
 */
export function historyToFixture(history: temporal.api.history.v1.IHistory): string {
  const message = temporal.api.history.v1.History.fromObject(history);
  const object = temporal.api.history.v1.History.toObject(message, {
    enums: String,
    longs: String,
    bytes: String,
    json: true,
  });
  return JSON.stringify(object, null, 1);
}

/** Reads a fixture written by {@link historyToFixture} back into a History message. */
export function fixtureToHistory(json: string): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.fromObject(JSON.parse(json) as Record<string, unknown>);
}

/** The histories of every run of the workflow, following continue-as-new from the first run. */
export async function allRuns(
  env: TestWorkflowEnvironment,
  handle: Handle,
): Promise<temporal.api.history.v1.IHistory[]> {
  const histories: temporal.api.history.v1.IHistory[] = [];
  let runId: string | undefined = handle.firstExecutionRunId;
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await env.client.workflow
      .getHandle(handle.workflowId, runId)
      .fetchHistory();
    histories.push(history);
    const last: temporal.api.history.v1.IHistoryEvent | undefined = history.events?.[history.events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return histories;
}

/** The recording result of a finished run. */
export const resultOf = (handle: Handle): Promise<RecordingResult> => handle.result();
