/**
 * The resourceId's start window (docs/architecture.md step 2;
 * https://docs.agora.io/en/cloud-recording/rest-api/acquire,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices): a start still in flight when the
 * window closes times out (the start activity's schedule-to-close timeout) and the workflow acquires again; if that
 * first start took after all, Agora's code 53 on the next start says so and the sid comes from recorder_started; that
 * task is stopped with the first resourceId.
 *
 * In their own file because cancelling an activity in flight leaves the time-skipping test server's clock locked for
 * the rest of its life (observed with the pinned test server), and other tests need time to skip.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { AgoraFailureType, agoraNotificationSignal, stopSignal } from '../../src/contract';
import { NcsEvent } from '../../src/agora/notifications';
import {
  answerLate,
  mixInput,
  ncs,
  setupEnvironment,
  stubActivities,
  waitForState,
  waitForStatus,
  withRecording,
} from '../support/workflows';

let ctx: { env: TestWorkflowEnvironment; bundle: WorkflowBundleWithSourceMap };
beforeAll(async () => void (ctx = await setupEnvironment()));
afterAll(async () => ctx?.env.teardown());

test('the start window closes with start in flight: the start times out and a new resourceId is acquired', async () => {
  const activities = stubActivities({
    start: (n) =>
      n === 1
        ? answerLate(3000, { alreadyStarted: false, sid: 'sid-ignored' })
        : { alreadyStarted: false, sid: 'sid-second' },
  });
  const input = mixInput({ policy: { startWindowSeconds: 2 } });
  const result = await withRecording(
    ctx,
    { input, activities, fixture: 'start-window-reacquire' },
    async ({ handle }) => {
      const recording = await waitForState(handle, 'recording');
      expect(recording).toMatchObject({ sid: 'sid-second', resourceId: 'rid-2' });
      await handle.signal(stopSignal);
      return handle.result();
    },
  );
  expect(result).toMatchObject({ ending: 'completed', resourceId: 'rid-2', sid: 'sid-second' });
  expect(activities.acquire).toHaveBeenCalledTimes(2);
  expect(activities.start.mock.calls.map(([i]) => i.resourceId)).toEqual(['rid-1', 'rid-2']);
  expect(activities.stop.mock.calls[0]![0]).toMatchObject({ resourceId: 'rid-2', sid: 'sid-second' });
});

test('code 53 after a re-acquire means our earlier start took: the buffered recorder_started gives the sid', async () => {
  const activities = stubActivities({
    start: (n) => {
      if (n === 1) return answerLate(3000, { alreadyStarted: false, sid: 'sid-first' });
      throw ApplicationFailure.create({
        type: AgoraFailureType.taskConflict,
        message: 'task conflict (53)',
        nonRetryable: true,
      });
    },
    acquire: async (n) => {
      // The first start reached Agora after all: its recorder_started arrives while we acquire again.
      if (n === 2) await new Promise((r) => setTimeout(r, 10));
      return { resourceId: `rid-${n}` };
    },
  });
  const input = mixInput({ policy: { startWindowSeconds: 2 } });
  const result = await withRecording(
    ctx,
    { input, activities, fixture: 'start-conflict-recovered' },
    async ({ handle }) => {
      await waitForStatus(handle, (s) => s.resourceId === 'rid-2', 'second resourceId');
      await handle.signal(agoraNotificationSignal, ncs(NcsEvent.recorder_started, { sid: 'sid-first', sequence: 0 }));
      const recording = await waitForState(handle, 'recording');
      expect(recording.sid).toBe('sid-first');
      await handle.signal(stopSignal);
      return handle.result();
    },
  );
  // The task is the first start's: only its own resourceId can stop it (Agora answers code 1003 to any other).
  expect(result).toMatchObject({ ending: 'completed', sid: 'sid-first', resourceId: 'rid-1' });
  expect(activities.stop).toHaveBeenCalledTimes(1);
  expect(activities.stop.mock.calls[0]![0]).toMatchObject({ resourceId: 'rid-1', sid: 'sid-first' });
});

test('"already started" (code 7) without a sid after an earlier start may have taken: the task is on the resourceId that answered 7', async () => {
  const activities = stubActivities({
    start: (n) =>
      n === 1 ? answerLate(3000, { alreadyStarted: false, sid: 'sid-ignored' }) : { alreadyStarted: true as const },
  });
  const input = mixInput({ policy: { startWindowSeconds: 2 } });
  const result = await withRecording(ctx, { input, activities }, async ({ handle }) => {
    await waitForStatus(handle, (s) => /recovering the sid/.test(s.reason ?? ''), 'sid recovery');
    await handle.signal(agoraNotificationSignal, ncs(NcsEvent.recorder_started, { sid: 'sid-second', sequence: 0 }));
    await waitForState(handle, 'recording');
    await handle.signal(stopSignal);
    return handle.result();
  });
  expect(result).toMatchObject({ ending: 'completed', sid: 'sid-second', resourceId: 'rid-2' });
  expect(activities.query).not.toHaveBeenCalled();
  expect(activities.stop.mock.calls[0]![0]).toMatchObject({ resourceId: 'rid-2', sid: 'sid-second' });
});
