/**
 * acquire → start within the resourceId's life, and starts whose answer was lost (docs/architecture.md steps 2-3; Agora
 * https://docs.agora.io/en/cloud-recording/rest-api/acquire,
 * https://docs.agora.io/en/cloud-recording/rest-api/status-codes,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices): never a second task, never an
 * orphan nobody can stop.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { AgoraFailureType, agoraNotificationSignal, stopSignal, type RecordingInput } from '../../src/contract';
import { NcsEvent } from '../../src/agora/notifications';
import { recordingWorkflow } from '../../src/workflows';
import {
  mixInput,
  ncs,
  setupEnvironment,
  stubActivities,
  uniqueTaskQueue,
  waitForCalls,
  waitForState,
  waitForStatus,
  withRecording,
} from '../support/workflows';

let ctx: { env: TestWorkflowEnvironment; bundle: WorkflowBundleWithSourceMap };
beforeAll(async () => void (ctx = await setupEnvironment()));
afterAll(async () => ctx?.env.teardown());

test('start response lost: the retry answers "already started" without a sid; recorder_started recovers it', async () => {
  const activities = stubActivities({ start: () => ({ alreadyStarted: true }) });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'start-lost-recovered' },
    async ({ handle }) => {
      await waitForStatus(
        handle,
        (s) => s.state === 'starting' && /recovering the sid/.test(s.reason ?? ''),
        'sid recovery',
      );
      // A recorder_started of another recorder uid of the same channel is not ours.
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.recorder_started, { sid: 'sid-other', uid: '999', sequence: 0 }),
      );
      await handle.signal(agoraNotificationSignal, ncs(NcsEvent.recorder_started, { sid: 'sid-lost', sequence: 0 }));
      const recording = await waitForState(handle, 'recording');
      expect(recording.sid).toBe('sid-lost');
      await handle.signal(stopSignal);
      return handle.result();
    },
  );
  expect(result).toMatchObject({ ending: 'completed', sid: 'sid-lost', resourceId: 'rid-1' });
  expect(activities.acquire).toHaveBeenCalledTimes(1);
  expect(activities.start).toHaveBeenCalledTimes(1);
  expect(activities.stop.mock.calls[0]![0]).toMatchObject({ sid: 'sid-lost', resourceId: 'rid-1' });
});

test('a recorder_started from before our start (an earlier recording of this workflow ID) is never adopted', async () => {
  const activities = stubActivities({ start: () => ({ alreadyStarted: true }) });
  // A late resend of the previous run's recorder_started (same cname + uid, its own sid) arrives before our start.
  const stale = ncs(NcsEvent.recorder_started, { sid: 'sid-previous-run', sequence: 0 });
  const result = await withRecording(
    ctx,
    {
      input: mixInput(),
      activities,
      fixture: 'stale-recorder-started-first-task',
      startSignal: { signal: agoraNotificationSignal.name, args: [stale] },
    },
    async ({ handle }) => {
      await waitForStatus(
        handle,
        (s) => s.state === 'starting' && /recovering the sid/.test(s.reason ?? ''),
        'sid recovery',
      );
      await handle.signal(agoraNotificationSignal, ncs(NcsEvent.recorder_started, { sid: 'sid-ours', sequence: 0 }));
      const recording = await waitForState(handle, 'recording');
      expect(recording.sid).toBe('sid-ours');
      await handle.signal(stopSignal);
      return handle.result();
    },
  );
  expect(result).toMatchObject({ ending: 'completed', sid: 'sid-ours' });
  expect(activities.stop.mock.calls.map(([i]) => i.sid)).toEqual(['sid-ours']);
});

test('a recorder_started arriving after our start but with an event time before it (sendts) is never adopted', async () => {
  const activities = stubActivities({ start: () => ({ alreadyStarted: true }) });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'stale-recorder-started-by-sendts' },
    async ({ handle }) => {
      const recovering = await waitForStatus(
        handle,
        (s) => s.state === 'starting' && /recovering the sid/.test(s.reason ?? ''),
        'sid recovery',
      );
      // An NCS resend keeps the event time of the earlier recording (an hour before our start); it is not ours.
      const ourStart = recovering.since; // workflow time (this server's clock runs ahead of the wall clock)
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.recorder_started, { sid: 'sid-previous-run', sequence: 0, sendts: ourStart - 3_600_000 }),
      );
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.recorder_started, { sid: 'sid-ours', sequence: 0, sendts: ourStart + 500 }),
      );
      const recording = await waitForState(handle, 'recording');
      expect(recording.sid).toBe('sid-ours');
      await handle.signal(stopSignal);
      return handle.result();
    },
  );
  expect(result).toMatchObject({ ending: 'completed', sid: 'sid-ours' });
  expect(activities.stop.mock.calls.map(([i]) => i.sid)).toEqual(['sid-ours']);
});

test.each([
  ['0', 0],
  ['in seconds, not ms', 1_700_000_000],
  ['negative', -1],
])(
  'a recorder_started whose sendts is garbage (%s) decides nothing: it still recovers the lost sid',
  async (_name, sendts) => {
    // The sendts rule may only keep a stale recorder_started out; a value that cannot be a Unix-ms event time is no
    // evidence either way, and ignoring our own recorder_started would leave a running task that nobody stops.
    const activities = stubActivities({ start: () => ({ alreadyStarted: true }) });
    const result = await withRecording(ctx, { input: mixInput(), activities }, async ({ handle }) => {
      await waitForStatus(
        handle,
        (s) => s.state === 'starting' && /recovering the sid/.test(s.reason ?? ''),
        'sid recovery',
      );
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.recorder_started, { sid: 'sid-ours', sequence: 0, sendts }),
      );
      const recording = await waitForState(handle, 'recording');
      expect(recording.sid).toBe('sid-ours');
      await handle.signal(stopSignal);
      return handle.result();
    });
    expect(result).toMatchObject({ ending: 'completed', sid: 'sid-ours' });
    expect(result.taskMayStillRun).toBeUndefined();
    expect(activities.stop.mock.calls.map(([i]) => i.sid)).toEqual(['sid-ours']);
  },
);

test('a sid that cannot be recovered: failed, with a clear lastError and taskMayStillRun', async () => {
  const activities = stubActivities({ start: () => ({ alreadyStarted: true }) });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'start-lost-unrecovered' },
    async ({ handle }) => handle.result(),
  );
  expect(result).toMatchObject({
    ending: 'failed',
    resourceId: 'rid-1',
    taskMayStillRun: true,
    lastError: { type: 'SidNotRecovered' },
  });
  expect(result.lastError!.message).toMatch(/may still run/);
  expect(result.sid).toBeUndefined();
  expect(activities.stop).not.toHaveBeenCalled();
});

test('code 53 on the first start is another task: failed without touching it', async () => {
  const activities = stubActivities({
    start: () => {
      throw ApplicationFailure.create({
        type: AgoraFailureType.taskConflict,
        message: 'task conflict (53)',
        nonRetryable: true,
      });
    },
  });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'start-conflict-foreign' },
    async ({ handle }) => handle.result(),
  );
  expect(result).toMatchObject({ ending: 'failed', lastError: { type: 'AgoraTaskConflict' } });
  expect(result.reason).toMatch(/another task/);
  expect(result.taskMayStillRun).toBeUndefined();
  expect(activities.acquire).toHaveBeenCalledTimes(1);
});

test('a stop before the start (signalled with the start): nothing is acquired or started', async () => {
  const activities = stubActivities({
    acquire: async () => {
      await new Promise((r) => setTimeout(r, 500));
      return { resourceId: 'rid-1' };
    },
  });
  const result = await withRecording(
    ctx,
    {
      input: mixInput(),
      activities,
      fixture: 'stop-before-start',
      startSignal: { signal: stopSignal.name, args: ['changed my mind'] },
    },
    async ({ handle }) => handle.result(),
  );
  expect(result).toMatchObject({ ending: 'no_content', reason: 'changed my mind before the start' });
  expect(activities.acquire).not.toHaveBeenCalled();
  expect(activities.start).not.toHaveBeenCalled();
});

test('a stop that arrives while acquire runs: the start scheduled with it is stopped at once, nothing left running', async () => {
  // acquire is a local activity: it and the start's scheduling complete in one workflow task, and a signal that arrives
  // meanwhile is seen only in the next one. So the start goes out, and its recording is stopped straight away (a
  // longer acquire would heartbeat the workflow task, and the stop would be seen before any start).
  const activities = stubActivities({
    acquire: async () => {
      await new Promise((r) => setTimeout(r, 1_000));
      return { resourceId: 'rid-1' };
    },
  });
  const result = await withRecording(ctx, { input: mixInput(), activities }, async ({ handle }) => {
    await waitForCalls(activities.acquire, 1);
    await handle.signal(stopSignal, 'changed my mind');
    return handle.result();
  });
  expect(result).toMatchObject({ ending: 'completed', reason: 'changed my mind', sid: 'sid-1', resourceId: 'rid-1' });
  expect(activities.start).toHaveBeenCalledTimes(1);
  expect(activities.stop.mock.calls.map(([i]) => i.sid)).toEqual(['sid-1']);
});

test('an invalid input fails the workflow with a non-retryable InvalidRecordingInput naming the field', async () => {
  const taskQueue = uniqueTaskQueue('invalid');
  const worker = await Worker.create({
    connection: ctx.env.nativeConnection,
    taskQueue,
    workflowBundle: ctx.bundle,
    activities: stubActivities(),
  });
  const bad = { ...mixInput(), uid: '0', policy: { maxAcquireAttempts: 0 } } as RecordingInput;
  const err: unknown = await worker.runUntil(
    ctx.env.client.workflow
      .execute(recordingWorkflow, { taskQueue, workflowId: uniqueTaskQueue('invalid'), args: [bad] })
      .catch((e: unknown) => e),
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause).toMatchObject({ type: 'InvalidRecordingInput', nonRetryable: true });
  expect(cause!.message).toMatch(/uid: must be a decimal string/);
  expect(cause!.message).toMatch(/policy.maxAcquireAttempts/);
});

test.each([
  ['answers for the sid', { kind: 'ok', status: 5 }, 'rid-2', 'rid-1'],
  ['answers 404 (a failover window): the likely one', { kind: 'not_found' }, 'rid-2', 'rid-1', 'rid-3'],
] as const)(
  'two starts that may have taken, then 53: query tells which resourceId started the recovered sid (rid-1 %s); the stop goes there',
  async (_name, rid1Answer, ...asked) => {
    const activities = stubActivities({
      start: (n) => {
        // rid-1 and rid-2: a 500 after its retries (one attempt here), either may have taken; rid-3: code 53.
        if (n <= 2) {
          throw ApplicationFailure.create({
            type: AgoraFailureType.serverError,
            message: 'Agora answered 500',
            nonRetryable: true,
          });
        }
        throw ApplicationFailure.create({ type: AgoraFailureType.taskConflict, message: 'task conflict (53)' });
      },
    });
    // The task is rid-1's: Agora refuses the sid on any other resourceId with code 1003.
    activities.query.mockImplementation(({ resourceId }) => {
      if (resourceId === 'rid-1') return Promise.resolve(rid1Answer);
      return Promise.reject(
        ApplicationFailure.create({
          type: AgoraFailureType.invalidRequest,
          message: 'Agora query answered 400 code 1003: sid does not match the resourceId',
          nonRetryable: true,
        }),
      );
    });
    const result = await withRecording(
      ctx,
      { input: mixInput(), activities, fixture: 'start-recovered-resource-id-queried' },
      async ({ handle }) => {
        await waitForStatus(handle, (s) => /recovering the sid/.test(s.reason ?? ''), 'sid recovery');
        await handle.signal(agoraNotificationSignal, ncs(NcsEvent.recorder_started, { sid: 'sid-first', sequence: 0 }));
        const recording = await waitForState(handle, 'recording');
        expect(recording).toMatchObject({ sid: 'sid-first', resourceId: 'rid-1' });
        await handle.signal(stopSignal);
        return handle.result();
      },
    );
    expect(result).toMatchObject({ ending: 'completed', sid: 'sid-first', resourceId: 'rid-1' });
    // Newest candidate first (rid-2, refused with 1003), then rid-1; rid-3 (53) only when rid-1's answer did not
    // decide.
    expect(activities.query.mock.calls.map(([r]) => r.resourceId)).toEqual(asked);
    expect(activities.stop.mock.calls[0]![0]).toMatchObject({ resourceId: 'rid-1', sid: 'sid-first' });
  },
);
