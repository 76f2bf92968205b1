/**
 * The recording lifecycle with stubbed activities: the mix happy path, every stop outcome and the upload wait
 * (docs/architecture.md steps 5-6; https://docs.agora.io/en/cloud-recording/rest-api/stop,
 * https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  agoraNotificationSignal,
  statusQuery,
  stopSignal,
  updateLayoutUpdate,
  type MixLayout,
  type RecordingResult,
  AgoraFailureType,
} from '../../src/contract';
import { NcsEvent } from '../../src/agora/notifications';
import {
  FAKE_STORAGE_SECRET,
  allRuns,
  historyToFixture,
  mixFiles,
  mixInput,
  ncs,
  setupEnvironment,
  stubActivities,
  waitForState,
  withRecording,
} from '../support/workflows';

let ctx: { env: TestWorkflowEnvironment; bundle: WorkflowBundleWithSourceMap };
beforeAll(async () => void (ctx = await setupEnvironment()));
afterAll(async () => ctx?.env.teardown());

const speakerLayout: MixLayout = {
  mixedVideoLayout: 3,
  backgroundColor: '#FF0000',
  layoutConfig: [
    { uid: '1001', x_axis: 0, y_axis: 0, width: 1, height: 1 },
    { uid: '1002', x_axis: 0.7, y_axis: 0.7, width: 0.3, height: 0.3, alpha: 1, render_mode: 0 },
  ],
};

/** Stops a recording that reached `recording`, then reports its upload (NCS 31 with the mix files), and returns the result. */
async function stopThenUploaded(handle: Parameters<typeof waitForState>[0]): Promise<RecordingResult> {
  await waitForState(handle, 'recording');
  await handle.signal(stopSignal);
  await waitForState(handle, 'uploading');
  await handle.signal(
    agoraNotificationSignal,
    ncs(NcsEvent.uploaded, { sid: 'sid-1', details: { fileList: mixFiles('sid-1') } }),
  );
  return handle.result();
}

test('mix happy path: acquire, start, a layout update, stop, uploaded', async () => {
  const activities = stubActivities();
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'mix-happy-path' },
    async ({ handle }) => {
      const recording = await waitForState(handle, 'recording');
      expect(recording).toMatchObject({
        sid: 'sid-1',
        resourceId: 'rid-1',
        layout: { mixedVideoLayout: 1, backgroundColor: '#FF0000' },
      });

      const afterUpdate = await handle.executeUpdate(updateLayoutUpdate, { args: [speakerLayout] });
      expect(afterUpdate.layout).toEqual(speakerLayout);
      expect(afterUpdate.pendingLayout).toBeUndefined();

      await handle.signal(stopSignal, 'meeting over');
      const result = await handle.result();
      const description = await handle.describe();
      expect(description.status.name).toBe('COMPLETED');
      expect(description.searchAttributes).toMatchObject({
        AgoraChannel: ['room-1'],
        AgoraSid: ['sid-1'],
        RecordingStatus: ['completed'],
      });
      return result;
    },
  );
  expect(result).toMatchObject({
    ending: 'completed',
    cname: 'room-1',
    uid: '527841',
    mode: 'mix',
    resourceId: 'rid-1',
    sid: 'sid-1',
    uploadingStatus: 'uploaded',
    reason: 'meeting over',
    fileList: mixFiles('sid-1'),
  });
  expect(result.lastError).toBeUndefined();
  expect(result.startedAt).toBeLessThanOrEqual(result.stoppedAt!);
  expect(activities.acquire).toHaveBeenCalledTimes(1);
  expect(activities.start).toHaveBeenCalledTimes(1);
  expect(activities.start.mock.calls[0]![0]).toMatchObject({
    resourceId: 'rid-1',
    storageProfile: 'default',
    mode: 'mix',
  });
  expect(activities.updateLayout).toHaveBeenCalledTimes(1);
  // The full layout, every time: Agora replaces the whole layout
  // (https://docs.agora.io/en/cloud-recording/rest-api/update-layout).
  expect(activities.updateLayout.mock.calls[0]![0]).toMatchObject({
    sid: 'sid-1',
    resourceId: 'rid-1',
    layout: speakerLayout,
  });
  expect(activities.stop).toHaveBeenCalledTimes(1);
  expect(activities.stop.mock.calls[0]![0]).toMatchObject({
    sid: 'sid-1',
    resourceId: 'rid-1',
    cname: 'room-1',
    uid: '527841',
  });
});

test('stop answered without an uploadingStatus (206), then an uploaded notification completes it', async () => {
  const activities = stubActivities({ stop: () => ({ kind: 'stopped' }) });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'stop-206-then-uploaded' },
    async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(stopSignal, 'done');
      await waitForState(handle, 'uploading');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.uploaded, { sid: 'sid-1', sequence: 7, details: { status: 0, fileList: mixFiles('sid-1') } }),
      );
      return handle.result();
    },
  );
  expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded', fileList: mixFiles('sid-1') });
  expect(result.lastError).toBeUndefined();
});

test('backuped, then a late uploaded upgrades the status', async () => {
  const activities = stubActivities({ stop: () => ({ kind: 'stopped', uploadingStatus: 'backuped' }) });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'backuped-then-uploaded' },
    async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(stopSignal);
      const uploading = await waitForState(handle, 'uploading');
      expect(uploading.uploadingStatus).toBe('backuped');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.backuped, { sid: 'sid-1', sequence: 8, details: { fileList: mixFiles('sid-1') } }),
      );
      expect((await handle.query(statusQuery)).state).toBe('uploading');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.uploaded, { sid: 'sid-1', sequence: 9, details: { fileList: mixFiles('sid-1') } }),
      );
      return handle.result();
    },
  );
  expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded', reason: 'stop requested' });
  expect(result.fileList).toHaveLength(2);
});

test('the upload deadline passes: completed, status as known, lastError UploadTimeout', async () => {
  const activities = stubActivities({
    stop: () => ({ kind: 'stopped', fileList: `recordings/room1/sid-1_room-1.m3u8` }),
  });
  const input = mixInput({ policy: { uploadTimeoutSeconds: 300 } });
  const result = await withRecording(ctx, { input, activities, fixture: 'upload-deadline' }, async ({ handle }) => {
    await waitForState(handle, 'recording');
    await handle.signal(stopSignal);
    return handle.result();
  });
  expect(result).toMatchObject({
    ending: 'completed',
    fileList: [{ fileName: 'recordings/room1/sid-1_room-1.m3u8' }],
    lastError: { type: 'UploadTimeout' },
  });
  expect(result.uploadingStatus).toBeUndefined();
  expect(result.endedAt - result.stoppedAt!).toBeGreaterThanOrEqual(300_000);
});

test('435: nothing was published, the recording ends no_content', async () => {
  const activities = stubActivities({ stop: () => ({ kind: 'no_content' }) });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'no-content-435' },
    async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(stopSignal);
      return handle.result();
    },
  );
  expect(result).toMatchObject({ ending: 'no_content', sid: 'sid-1', fileList: [] });
  expect(result.uploadingStatus).toBeUndefined();
});

describe('stop finds the task already gone', () => {
  test('49 (already exiting) that no stop of ours explains: stopped once more (a failover answers 404), the second 49 believed: exited; wait for its upload', async () => {
    const activities = stubActivities({ stop: () => ({ kind: 'already_exiting' }) });
    const result = await withRecording(ctx, { input: mixInput(), activities, fixture: 'stop-49-twice' }, ({ handle }) =>
      stopThenUploaded(handle),
    );
    expect(result).toMatchObject({ ending: 'exited', uploadingStatus: 'uploaded' });
    expect(result.reason).toMatch(/stop answered 49/);
    expect(activities.stop).toHaveBeenCalledTimes(2);
  });

  test('400/50 (this stop took, its upload timed out): checked once like a 49 (a failing-over recorder may answer it too), ours: completed (sim seed 85)', async () => {
    const activities = stubActivities({ stop: () => ({ kind: 'already_exiting', code: 50 }) });
    const result = await withRecording(ctx, { input: mixInput(), activities }, ({ handle }) =>
      stopThenUploaded(handle),
    );
    expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded' });
    expect(activities.stop).toHaveBeenCalledTimes(2);
  });

  test('49 on a retried stop (an earlier attempt may have taken): believed at once, completed', async () => {
    const activities = stubActivities({ stop: () => ({ kind: 'already_exiting', earlierAttempts: 1 }) });
    const result = await withRecording(ctx, { input: mixInput(), activities }, ({ handle }) =>
      stopThenUploaded(handle),
    );
    expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded' });
    expect(activities.stop).toHaveBeenCalledTimes(1);
  });

  test('a lone 49 during a failover, then the task answers again: stopped for real, completed (sim seed 82)', async () => {
    const activities = stubActivities({
      stop: (n) =>
        n === 1
          ? { kind: 'already_exiting' }
          : n <= 4
            ? { kind: 'not_found' }
            : { kind: 'stopped', uploadingStatus: 'uploaded' },
    });
    const result = await withRecording(ctx, { input: mixInput(), activities }, async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(stopSignal);
      return handle.result();
    });
    expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded' });
    expect(result.taskMayStillRun).toBeUndefined();
    expect(activities.stop).toHaveBeenCalledTimes(5);
  });

  test('404 (not found): stopped again through the failover window (best practices), then reconciled until a stop is answered 49; exited (no stop of ours took)', async () => {
    // A 404 never proves the task gone (issue 17): after the window the workflow reconciles, and Agora's 49 says the
    // task is exiting.
    const activities = stubActivities({ stop: (n) => (n <= 10 ? { kind: 'not_found' } : { kind: 'already_exiting' }) });
    const result = await withRecording(
      ctx,
      { input: mixInput(), activities, fixture: 'stop-404-failover' },
      async ({ handle }) => {
        await waitForState(handle, 'recording');
        await handle.signal(stopSignal);
        return handle.result();
      },
    );
    expect(result).toMatchObject({ ending: 'exited', sid: 'sid-1' });
    expect(result.taskMayStillRun).toBeUndefined();
    // A stop every 10 s through the default 90 s failover window (a task that is only moving gets stopped once back),
    // then reconciling stops: the first 49 (no stop of ours explains it) is checked by one more (RECONCILE_49_CHECKED).
    expect(activities.stop).toHaveBeenCalledTimes(12);
  });

  test('a stop answered with an invalid body is sent again; its 49 shows it took, and the upload completes', async () => {
    const activities = stubActivities({
      stop: (n) => {
        if (n > 1) return { kind: 'already_exiting' };
        throw ApplicationFailure.create({
          type: AgoraFailureType.invalidResponse,
          message: 'Agora answered with an invalid body',
          nonRetryable: true,
        });
      },
    });
    const result = await withRecording(
      ctx,
      { input: mixInput(), activities, fixture: 'stop-invalid-response' },
      ({ handle }) => stopThenUploaded(handle),
    );
    expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded', fileList: mixFiles('sid-1') });
    expect(result.taskMayStillRun).toBeUndefined();
    expect(activities.stop).toHaveBeenCalledTimes(2);
  });

  test('404 (not found), then session_exit: gone, exited without stopping again', async () => {
    const activities = stubActivities({ stop: () => ({ kind: 'not_found' }) });
    const result = await withRecording(ctx, { input: mixInput(), activities }, async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(stopSignal);
      await waitForState(handle, 'stopping');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.session_exit, { sid: 'sid-1', details: { exitStatus: 0 } }),
      );
      return handle.result();
    });
    expect(result).toMatchObject({ ending: 'exited', sid: 'sid-1' });
    expect((activities.stop as jest.Mock).mock.calls.length).toBeLessThan(10);
  });
});

test('no configured secret appears in the history: storage travels as a profile name', async () => {
  const activities = stubActivities();
  await withRecording(ctx, { input: mixInput(), activities }, async ({ handle, env }) => {
    await waitForState(handle, 'recording');
    await handle.signal(stopSignal);
    await handle.result();
    const [history] = await allRuns(env, handle);
    const json = historyToFixture(history!);
    expect(json).not.toContain(FAKE_STORAGE_SECRET);
    // The start activity got the profile name and resolved the credentials itself (the stub asserts it did).
    expect(activities.start.mock.calls[0]![0]).toMatchObject({ storageProfile: 'default' });
    expect(JSON.stringify(activities.start.mock.calls[0]![0])).not.toContain(FAKE_STORAGE_SECRET);
  });
});

test('legible in the UI: current details, and a summary on every activity and timer', async () => {
  const activities = stubActivities();
  await withRecording(ctx, { input: mixInput(), activities }, async ({ handle, env }) => {
    await waitForState(handle, 'recording');
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toMatch(/\*\*recording\*\* since/);
    expect(metadata.currentDetails).toMatch(/sid `sid-1`/);
    await handle.signal(stopSignal);
    await handle.result();
    const [history] = await allRuns(env, handle);
    // Activities, timers and local activities (their markers): acquire, start, the wake timer, stop.
    const scheduled = (history!.events ?? []).filter(
      (e) =>
        e.activityTaskScheduledEventAttributes ||
        e.timerStartedEventAttributes ||
        e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    );
    expect(scheduled.length).toBeGreaterThanOrEqual(4);
    for (const event of scheduled) {
      const summary = event.userMetadata?.summary?.data;
      expect(summary && Buffer.from(summary).toString()).toMatch(/\w/);
    }
  });
});
