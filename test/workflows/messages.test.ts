/**
 * Messages: layout and subscription requests (one at a time, newest wins, full layout each time), update validators,
 * NCS duplicates and reordering, and continue-as-new carrying the state (docs/architecture.md steps 4 and 7; Agora
 * https://docs.agora.io/en/cloud-recording/rest-api/update,
 * https://docs.agora.io/en/cloud-recording/rest-api/update-layout,
 * https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  AgoraFailureType,
  agoraNotificationSignal,
  statusQuery,
  stopSignal,
  stopUpdate,
  updateLayoutSignal,
  updateLayoutUpdate,
  updateSubscriptionSignal,
  type MixLayout,
} from '../../src/contract';
import { NcsEvent } from '../../src/agora/notifications';
import {
  allRuns,
  gate,
  eventNames,
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

/** Layout number i: a distinct full layout (the background colour encodes i). */
const layoutNumber = (i: number): MixLayout => ({
  mixedVideoLayout: 1,
  backgroundColor: `#${i.toString(16).padStart(6, '0')}`,
  maxResolutionUid: '1001',
});

async function rejection(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

test('50 layout signals in one burst: at most 2 updateLayout calls, and the last layout sent wins', async () => {
  // The first updateLayout answers only once the whole burst is sent: the burst lands while a call is in flight
  // (the worst case: the first signal alone, then 49 queued behind the call).
  let burstSent!: () => void;
  const sent = new Promise<void>((resolve) => (burstSent = resolve));
  const activities = stubActivities({
    updateLayout: async (n) => {
      if (n === 1) await sent;
      return { kind: 'ok' as const };
    },
  });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'layout-burst' },
    async ({ handle }) => {
      await waitForState(handle, 'recording');
      for (let i = 1; i <= 50; i++) await handle.signal(updateLayoutSignal, layoutNumber(i));
      burstSent();
      const settled = await waitForStatus(
        handle,
        (s) => s.pendingLayout === undefined && s.layout?.backgroundColor === layoutNumber(50).backgroundColor,
        'layout 50 applied',
      );
      expect(settled.layout).toEqual(layoutNumber(50));
      await handle.signal(stopSignal);
      return handle.result();
    },
  );
  expect(result.ending).toBe('completed');
  const calls = activities.updateLayout.mock.calls.map(([i]) => i.layout);
  expect(calls.length).toBeGreaterThanOrEqual(1);
  expect(calls.length).toBeLessThanOrEqual(2);
  expect(calls[calls.length - 1]).toEqual(layoutNumber(50));
});

test('duplicated and reordered notifications: noticeId de-duplicates, sequence orders, uploaded is never downgraded', async () => {
  // stop is held in flight while the end-of-session notifications arrive, duplicated and out of order.
  const stopGate = gate({ kind: 'stopped' as const });
  const activities = stubActivities({ stop: () => stopGate.answer() });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'notifications-dup-reorder' },
    async ({ handle }) => {
      await waitForState(handle, 'recording');
      const progress5 = ncs(NcsEvent.uploading_progress, { sid: 'sid-1', sequence: 5, details: { progress: 5000 } });
      await handle.signal(agoraNotificationSignal, progress5);
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.uploading_progress, { sid: 'sid-1', sequence: 3, details: { progress: 3000 } }),
      );
      // A resend of the same notice (same noticeId) with other content is a duplicate.
      await handle.signal(agoraNotificationSignal, {
        ...progress5,
        notifyMs: progress5.notifyMs + 10_000,
        payload: { ...progress5.payload, details: { progress: 7000 } },
      });
      // A recorder_leave of another session (a stale sid) is not ours.
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.recorder_leave, { sid: 'sid-stale', sequence: 9, details: { leaveCode: 4 } }),
      );
      // Another channel's notification is not ours either.
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.session_exit, { sid: 'sid-1', cname: 'room-2', details: { exitStatus: 0 } }),
      );
      const recording = await waitForStatus(handle, (s) => s.uploadProgress !== undefined, 'progress');
      expect(recording).toMatchObject({ state: 'recording', uploadProgress: 5000 });

      await handle.signal(stopSignal);
      await waitForState(handle, 'stopping');
      const uploaded = ncs(NcsEvent.uploaded, { sid: 'sid-1', sequence: 11, details: { fileList: mixFiles('sid-1') } });
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.session_exit, { sid: 'sid-1', sequence: 12, details: { exitStatus: 0 } }),
      );
      await handle.signal(agoraNotificationSignal, uploaded);
      await handle.signal(agoraNotificationSignal, uploaded);
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.backuped, { sid: 'sid-1', sequence: 10, details: { fileList: [] } }),
      );
      stopGate.open();
      const result = await handle.result();
      const names = await eventNames(handle);
      expect(names.filter((n) => n === 'WORKFLOW_EXECUTION_SIGNALED').length).toBe(10);
      return result;
    },
  );
  expect(result).toMatchObject({
    ending: 'completed',
    uploadingStatus: 'uploaded',
    exitStatus: 0,
    fileList: mixFiles('sid-1'),
  });
  expect(result.leaveCode).toBeUndefined();
});

test('continue-as-new keeps the state: ids, layout, timings, de-duplication and sequence', async () => {
  const activities = stubActivities();
  const input = mixInput({ policy: { continueAsNewAfterEvents: 50 } });
  const result = await withRecording(
    ctx,
    { input, activities, fixture: 'continue-as-new' },
    async ({ handle, env }) => {
      const recording = await waitForState(handle, 'recording');
      const progress = ncs(
        NcsEvent.uploading_progress,
        { sid: 'sid-1', sequence: 3, details: { progress: 1234 } },
        'notice-progress-3',
      );
      await handle.signal(agoraNotificationSignal, progress);
      // Enough layout changes to pass 50 events (each is one workflow task and one local-activity marker).
      for (let i = 1; i <= 6; i++) {
        await handle.executeUpdate(updateLayoutUpdate, { args: [layoutNumber(i)] });
      }
      await waitForStatus(handle, () => true);
      const description = await handle.describe();
      expect(description.runId).not.toBe(handle.firstExecutionRunId);
      expect(description.searchAttributes).toMatchObject({
        AgoraChannel: ['room-1'],
        AgoraSid: ['sid-1'],
        RecordingStatus: ['recording'],
      });

      // The same notice again, and an older sequence: both ignored by the new run.
      await handle.signal(agoraNotificationSignal, {
        ...progress,
        payload: { ...progress.payload, details: { progress: 9999 } },
      });
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.uploading_progress, { sid: 'sid-1', sequence: 2, details: { progress: 500 } }),
      );
      const carried = await handle.query(statusQuery);
      expect(carried).toMatchObject({
        state: 'recording',
        sid: 'sid-1',
        resourceId: 'rid-1',
        startedAt: recording.startedAt,
        layout: layoutNumber(6),
        uploadProgress: 1234,
      });
      const stopped = await handle.executeUpdate(stopUpdate, { args: ['done'] });
      expect(stopped.state).toMatch(/stopping|completed/);
      const result = await handle.result();
      const runs = await allRuns(env, handle);
      expect(runs.length).toBeGreaterThanOrEqual(2);
      return result;
    },
  );
  expect(result).toMatchObject({ ending: 'completed', sid: 'sid-1', reason: 'done', uploadingStatus: 'uploaded' });
  expect(activities.acquire).toHaveBeenCalledTimes(1);
  expect(activities.start).toHaveBeenCalledTimes(1);
  expect(activities.updateLayout).toHaveBeenCalledTimes(6);
});

test("HA failover in a continued run: the new recorder uid's recorder_started changes nothing", async () => {
  // The same scenario as before-local-activities-extra/failover-recorder-started-after-continue-as-new (recorded by the
  // code before ECONOMY_PATCH, which wrote a patch marker in the continued run), recorded by the current code.
  const activities = stubActivities();
  const input = mixInput({ policy: { continueAsNewAfterEvents: 50 } });
  const result = await withRecording(
    ctx,
    { input, activities, fixture: 'failover-recorder-started-after-continue-as-new' },
    async ({ handle }) => {
      await waitForState(handle, 'recording');
      for (let i = 1; i <= 8; i++) await handle.executeUpdate(updateLayoutUpdate, { args: [layoutNumber(i)] });
      await waitForStatus(handle, () => true);
      expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);
      // The task moves to a new recorder uid, and NCS sends some notifications again from that uid
      // (https://docs.agora.io/en/cloud-recording/develop/receive-notifications,
      // https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.session_failover, { sid: 'sid-1', details: { newUid: 888 } }),
      );
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.recorder_started, { sid: 'sid-1', uid: '888', sequence: 0 }),
      );
      expect(await handle.query(statusQuery)).toMatchObject({ state: 'recording', sid: 'sid-1' });
      await handle.signal(stopSignal);
      return handle.result();
    },
  );
  expect(result).toMatchObject({ ending: 'completed', sid: 'sid-1', resourceId: 'rid-1' });
  expect(activities.start).toHaveBeenCalledTimes(1);
  expect(activities.stop.mock.calls.map(([i]) => i.sid)).toEqual(['sid-1']);
});

test('updateLayout validator: invalid region, then not recording; subscriptions go through update', async () => {
  const stopGate = gate({ kind: 'stopped' as const, uploadingStatus: 'uploaded' as const });
  const activities = stubActivities({
    stop: () => stopGate.answer(),
  });
  await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'layout-validator-subscription' },
    async ({ handle }) => {
      await waitForState(handle, 'recording');
      const invalid = await rejection(
        handle.executeUpdate(updateLayoutUpdate, {
          args: [{ mixedVideoLayout: 3, layoutConfig: [{ x_axis: 1.5, y_axis: 0, width: 0.5, height: 0.5 }] }],
        }),
      );
      expect(invalid.type).toBe('InvalidLayout');
      expect(invalid.message).toMatch(/layout.layoutConfig\[0\].x_axis/);

      await handle.signal(updateSubscriptionSignal, { audioUidList: { subscribeAudioUids: ['1001', '1002'] } });
      await handle.signal(updateSubscriptionSignal, {
        audioUidList: { subscribeAudioUids: [1001 as unknown as string] },
      });
      await waitForCalls(activities.update, 1);
      await waitForStatus(handle, (s) => s.subscription !== undefined, 'subscription applied');

      await handle.signal(stopSignal);
      await waitForState(handle, 'stopping');
      const late = await rejection(handle.executeUpdate(updateLayoutUpdate, { args: [layoutNumber(1)] }));
      expect(late.type).toBe('NotRecording');
      stopGate.open();
      return handle.result();
    },
  );
  expect(activities.update).toHaveBeenCalledTimes(1);
  expect(activities.update.mock.calls[0]![0]).toMatchObject({
    sid: 'sid-1',
    streamSubscribe: { audioUidList: { subscribeAudioUids: ['1001', '1002'] } },
  });
  expect(activities.updateLayout).not.toHaveBeenCalled();
});

test('a layout Agora refuses fails the update with LayoutNotApplied; the recording goes on with the old layout', async () => {
  const activities = stubActivities({
    updateLayout: () => {
      throw ApplicationFailure.create({
        type: AgoraFailureType.invalidRequest,
        message: 'updateLayout: code 1028 invalid layout',
        nonRetryable: true,
      });
    },
  });
  await withRecording(ctx, { input: mixInput(), activities, fixture: 'layout-refused' }, async ({ handle }) => {
    const before = await waitForState(handle, 'recording');
    const refused = await rejection(handle.executeUpdate(updateLayoutUpdate, { args: [layoutNumber(7)] }));
    expect(refused.type).toBe('LayoutNotApplied');
    expect(refused.message).toMatch(/AgoraInvalidRequest: updateLayout: code 1028/);
    const after = await handle.query(statusQuery);
    expect(after).toMatchObject({
      state: 'recording',
      layout: before.layout,
      lastError: { type: 'AgoraInvalidRequest' },
    });
    expect(after.pendingLayout).toBeUndefined();
    await handle.signal(stopSignal);
    return handle.result();
  });
  expect(activities.updateLayout).toHaveBeenCalledTimes(1);
});

test('updateLayout on a recording that is not mix is rejected', async () => {
  const activities = stubActivities();
  const input = mixInput({
    mode: 'individual',
    recordingConfig: { channelType: 0, streamTypes: 2, subscribeUidGroup: 0 },
    recordingFileConfig: undefined,
  });
  await withRecording(ctx, { input, activities }, async ({ handle }) => {
    await waitForState(handle, 'recording');
    const notMix = await rejection(handle.executeUpdate(updateLayoutUpdate, { args: [layoutNumber(1)] }));
    expect(notMix.type).toBe('NotMixMode');
    await handle.signal(stopSignal);
    return handle.result();
  });
  expect(activities.updateLayout).not.toHaveBeenCalled();
});
