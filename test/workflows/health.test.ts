/**
 * How a recording ends besides a stop request: Agora ending it (NCS events, the query fallback and its failover
 * window), cancellation and the max-duration timer (docs/architecture.md steps 4-5;
 * https://docs.agora.io/en/cloud-recording/rest-api/status-codes,
 * https://docs.agora.io/en/cloud-recording/develop/receive-notifications,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { NcsEvent } from '../../src/agora/notifications';
import { type StopResult, agoraNotificationSignal, stopUpdate } from '../../src/contract';
import {
  gate,
  mixFiles,
  mixInput,
  ncs,
  setupEnvironment,
  stubActivities,
  waitForCalls,
  waitForState,
  waitForStatus,
  withRecording,
} from '../support/workflows';

let ctx: { env: TestWorkflowEnvironment; bundle: WorkflowBundleWithSourceMap };
beforeAll(async () => void (ctx = await setupEnvironment()));
afterAll(async () => ctx?.env.teardown());

test('idle exit by notification: recorder_leave, confirmed by query, ends it as exited; stop is harmless, the upload still counts', async () => {
  const activities = stubActivities({
    query: () => ({ kind: 'ok', status: 7 }),
    stop: () => ({ kind: 'already_exiting' }),
  });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'idle-exit' },
    async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.recorder_leave, { sid: 'sid-1', sequence: 4, details: { leaveCode: 4 } }),
      );
      await waitForState(handle, 'uploading');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.uploaded, { sid: 'sid-1', sequence: 5, details: { fileList: mixFiles('sid-1') } }),
      );
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.session_exit, { sid: 'sid-1', sequence: 6, details: { exitStatus: 0 } }),
      );
      return handle.result();
    },
  );
  expect(result).toMatchObject({
    ending: 'exited',
    leaveCode: 4,
    uploadingStatus: 'uploaded',
    fileList: mixFiles('sid-1'),
  });
  expect(result.reason).toMatch(/recorder_leave: idle/);
  expect(activities.stop).toHaveBeenCalledTimes(1);
});

test('session_exit ends it as exited without a stop call', async () => {
  const activities = stubActivities();
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'session-exit' },
    async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.backuped, { sid: 'sid-1', sequence: 8, details: { fileList: mixFiles('sid-1') } }),
      );
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.session_exit, { sid: 'sid-1', sequence: 9, details: { exitStatus: 1 } }),
      );
      return handle.result();
    },
  );
  expect(result).toMatchObject({ ending: 'exited', exitStatus: 1, uploadingStatus: 'backuped' });
  expect(activities.stop).not.toHaveBeenCalled();
});

test('a recorder_leave that arrives before the start answer is buffered, then ends the recording', async () => {
  const startGate = gate({ alreadyStarted: false as const, sid: 'sid-1' });
  const activities = stubActivities({
    start: () => startGate.answer(),
    query: () => ({ kind: 'ok', status: 8 }),
    stop: () => ({ kind: 'not_found' }),
  });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'early-recorder-leave' },
    async ({ handle }) => {
      await waitForState(handle, 'starting');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.recorder_leave, { sid: 'sid-1', sequence: 2, details: { leaveCode: 0 } }),
      );
      startGate.open();
      return handle.result();
    },
  );
  expect(result).toMatchObject({ ending: 'exited', sid: 'sid-1', leaveCode: 0 });
  expect(result.reason).toMatch(/initialisation failed/);
});

test('a status update showing the task ending (event 3, status 7) forces the health query at once', async () => {
  // The receiver signals event 3 only for such statuses (src/receiver/receiver.ts signalsWorkflow); this is why.
  const activities = stubActivities({ query: () => ({ kind: 'exiting' }), stop: () => ({ kind: 'already_exiting' }) });
  const input = mixInput({ policy: { healthCheckIntervalSeconds: 1_800 } });
  const result = await withRecording(ctx, { input, activities }, async ({ handle }) => {
    await waitForState(handle, 'recording');
    await handle.signal(
      agoraNotificationSignal,
      ncs(NcsEvent.cloud_recording_status_update, { sid: 'sid-1', sequence: 4, details: { status: 7 } }),
    );
    return handle.result();
  });
  expect(result.ending).toBe('exited');
  expect(activities.query).toHaveBeenCalledTimes(1);
  // Not at the 30-minute health check: right after the notification.
  expect(result.stoppedAt! - result.startedAt!).toBeLessThan(60_000);
});

test.each([
  ['a numeric string', { status: '7' }],
  ['no status at all', {}],
])('a status update the workflow cannot read (%s) forces the health query too', async (_what, details) => {
  const activities = stubActivities({ query: () => ({ kind: 'exiting' }), stop: () => ({ kind: 'already_exiting' }) });
  const input = mixInput({ policy: { healthCheckIntervalSeconds: 1_800 } });
  const fixture = 'status' in details ? 'status-update-unreadable' : undefined;
  const result = await withRecording(ctx, { input, activities, fixture }, async ({ handle }) => {
    await waitForState(handle, 'recording');
    await handle.signal(
      agoraNotificationSignal,
      ncs(NcsEvent.cloud_recording_status_update, { sid: 'sid-1', sequence: 4, details }),
    );
    return handle.result();
  });
  expect(result.ending).toBe('exited');
  expect(activities.query).toHaveBeenCalledTimes(1);
  expect(result.stoppedAt! - result.startedAt!).toBeLessThan(60_000);
});

test('a status update of a running task (event 3, status 5) forces no query', async () => {
  const activities = stubActivities();
  const input = mixInput({ policy: { healthCheckIntervalSeconds: 1_800 } });
  await withRecording(ctx, { input, activities }, async ({ handle }) => {
    await waitForState(handle, 'recording');
    await handle.signal(
      agoraNotificationSignal,
      ncs(NcsEvent.cloud_recording_status_update, { sid: 'sid-1', sequence: 4, details: { status: 5 } }),
    );
    // A later notice that shows in the status: once it is there, the status update before it was handled.
    await handle.signal(
      agoraNotificationSignal,
      ncs(NcsEvent.cloud_recording_error, { sid: 'sid-1', sequence: 5, details: { errorLevel: 2, errorCode: 9 } }),
    );
    await waitForStatus(handle, (s) => s.lastError !== undefined, 'the error notice handled');
    expect(activities.query).not.toHaveBeenCalled();
    await handle.executeUpdate(stopUpdate, { args: ['done'] });
    return handle.result();
  });
});

test('a 404 inside the failover window is not death: query again, and the recording goes on', async () => {
  const activities = stubActivities({ query: (n) => (n <= 2 ? { kind: 'not_found' } : { kind: 'ok', status: 5 }) });
  const input = mixInput({ policy: { healthCheckIntervalSeconds: 60, maxDurationSeconds: 600 } });
  const result = await withRecording(ctx, { input, activities, fixture: 'failover-recovers' }, async ({ handle }) =>
    handle.result(),
  );
  // Queries at 60 s (404), 90 s (404), 120 s (ok), then every 60 s until the max duration stops it.
  expect(result).toMatchObject({ ending: 'completed', reason: 'max duration (600 s)', uploadingStatus: 'uploaded' });
  expect(result.lastError).toMatchObject({ type: 'AgoraNotFound' });
  expect(activities.query.mock.calls.length).toBeGreaterThanOrEqual(8);
  expect(activities.stop).toHaveBeenCalledTimes(1);
});

test('a 404 that outlasts the failover window, and stop answered 404 too: reconciled until the resourceId expires', async () => {
  // Gone, or a failover longer than the window: nothing confirms the exit, so the workflow never calls it gone (issue
  // 17); it stops again with backoff until the resourceId expires, then says the task may still run.
  const activities = stubActivities({ query: () => ({ kind: 'not_found' }), stop: () => ({ kind: 'not_found' }) });
  const input = mixInput({
    resourceExpiredHour: 2,
    policy: { healthCheckIntervalSeconds: 60, maxDurationSeconds: 3600 },
  });
  const result = await withRecording(ctx, { input, activities }, async ({ handle }) => handle.result());
  expect(result).toMatchObject({ ending: 'exited', taskMayStillRun: true });
  expect(result.reason).toMatch(/beyond the 90 s failover window/);
  // 60 s, 90 s, 120 s, 150 s: the fourth 404 comes 90 s after the first.
  expect(activities.query).toHaveBeenCalledTimes(4);
  expect(result.endedAt - result.startedAt!).toBeGreaterThanOrEqual(2 * 3_600_000);
});

test('a query answered 501 "service exiting" ends the recording at once, without a failover window', async () => {
  const activities = stubActivities({ query: () => ({ kind: 'exiting' }), stop: () => ({ kind: 'already_exiting' }) });
  const input = mixInput({ policy: { healthCheckIntervalSeconds: 60 } });
  const result = await withRecording(ctx, { input, activities, fixture: 'query-exiting' }, async ({ handle }) =>
    handle.result(),
  );
  expect(result.ending).toBe('exited');
  expect(result.reason).toMatch(/recording service is exiting \(code 501\)/);
  expect(activities.query).toHaveBeenCalledTimes(1);
  expect(result.stoppedAt! - result.startedAt!).toBeLessThan(90_000);
});

test('cancellation stops the recording, waits for the upload and completes as cancelled', async () => {
  const activities = stubActivities({ stop: () => ({ kind: 'stopped', uploadingStatus: 'backuped' }) });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'cancelled' },
    async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.cancel();
      await waitForState(handle, 'uploading');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.uploaded, { sid: 'sid-1', sequence: 3, details: { fileList: mixFiles('sid-1') } }),
      );
      const result = await handle.result();
      expect((await handle.describe()).status.name).toBe('COMPLETED');
      return result;
    },
  );
  expect(result).toMatchObject({ ending: 'cancelled', reason: 'cancelled', uploadingStatus: 'uploaded' });
  expect(activities.stop).toHaveBeenCalledTimes(1);
});

test('cancellation while start is in flight: the start is not abandoned, its recording is stopped', async () => {
  const startGate = gate({ alreadyStarted: false as const, sid: 'sid-late' });
  const activities = stubActivities({
    start: () => startGate.answer(),
  });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'cancelled-mid-start' },
    async ({ handle }) => {
      await waitForState(handle, 'starting');
      await handle.cancel();
      startGate.open();
      return handle.result();
    },
  );
  expect(result).toMatchObject({ ending: 'cancelled', sid: 'sid-late', uploadingStatus: 'uploaded' });
  expect(activities.stop).toHaveBeenCalledTimes(1);
  expect(activities.stop.mock.calls[0]![0]).toMatchObject({ sid: 'sid-late' });
});

test('a stop update waiting for the stop call still answers when the workflow is cancelled meanwhile', async () => {
  const stopGate = gate<StopResult>({ kind: 'stopped', uploadingStatus: 'uploaded' });
  const activities = stubActivities({ stop: () => stopGate.answer() });
  const result = await withRecording(ctx, { input: mixInput(), activities }, async ({ handle }) => {
    await waitForState(handle, 'recording');
    const update = handle.executeUpdate(stopUpdate, { args: ['done'] }).then(
      (status) => ({ status }),
      (error: unknown) => ({ error }),
    );
    await waitForCalls(activities.stop, 1);
    await handle.cancel();
    await waitForStatus(handle, () => true); // the cancellation reached the workflow
    stopGate.open();
    const answer = await update;
    expect(answer).not.toHaveProperty('error');
    expect(answer).toMatchObject({ status: { reason: 'done' } });
    return handle.result();
  });
  expect(result).toMatchObject({ ending: 'cancelled', uploadingStatus: 'uploaded' });
  expect(activities.stop).toHaveBeenCalledTimes(1);
});

test('the max-duration timer stops the recording', async () => {
  const activities = stubActivities();
  const input = mixInput({ policy: { maxDurationSeconds: 3600 } });
  const result = await withRecording(ctx, { input, activities, fixture: 'max-duration' }, async ({ handle }) =>
    handle.result(),
  );
  expect(result).toMatchObject({ ending: 'completed', reason: 'max duration (3600 s)', uploadingStatus: 'uploaded' });
  expect(result.stoppedAt! - result.startedAt!).toBeGreaterThanOrEqual(3_600_000);
  expect(result.stoppedAt! - result.startedAt!).toBeLessThan(3_660_000);
  // A health check at 30 minutes; the one due at 60 minutes yields to the stop.
  expect(activities.query).toHaveBeenCalledTimes(1);
  expect(activities.stop).toHaveBeenCalledTimes(1);
});
