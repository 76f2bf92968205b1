/**
 * Never orphaned (issue 17): an exit is confirmed before it is believed, a 404 never proves a task gone, a task whose
 * fate is unknown is reconciled (`reconciling`) until Agora confirms it gone or its resourceId expires, a start that
 * may have taken is recovered, and a layout that meets a failover waits for the recorder
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices,
 * https://docs.agora.io/en/cloud-recording/rest-api/status-codes).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { NcsEvent } from '../../src/agora/notifications';
import {
  AgoraFailureType,
  agoraNotificationSignal,
  stopSignal,
  updateLayoutUpdate,
  type QueryResult,
  type StopResult,
} from '../../src/contract';
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

const stopped = (sid = 'sid-1'): StopResult => ({
  kind: 'stopped',
  uploadingStatus: 'uploaded',
  fileList: mixFiles(sid),
});
const leave = () => ncs(NcsEvent.recorder_leave, { sid: 'sid-1', details: { leaveCode: 4 } });
const serverError = () =>
  ApplicationFailure.create({ type: AgoraFailureType.serverError, message: 'Agora answered 503' });

test("the old recorder's recorder_leave during a failover: query finds the task running, recording goes on", async () => {
  const activities = stubActivities({ query: () => ({ kind: 'ok', status: 5 }) });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'no-orphan-failover-leave' },
    async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(agoraNotificationSignal, leave());
      await waitForCalls(activities.query, 1);
      expect((await waitForState(handle, 'recording')).lastError?.message).toMatch(/recording goes on/);
      await handle.signal(stopSignal, 'done');
      return handle.result();
    },
  );
  expect(result).toMatchObject({ ending: 'completed', reason: 'done', fileList: mixFiles('sid-1') });
  expect(result.taskMayStillRun).toBeUndefined();
  expect(activities.stop).toHaveBeenCalledTimes(1);
});

test('a recorder_leave that query confirms (status 7): exited', async () => {
  const activities = stubActivities({
    query: () => ({ kind: 'ok', status: 7 }),
    stop: () => ({ kind: 'already_exiting' }),
  });
  const result = await withRecording(ctx, { input: mixInput(), activities }, async ({ handle }) => {
    await waitForState(handle, 'recording');
    await handle.signal(agoraNotificationSignal, leave());
    await handle.signal(
      agoraNotificationSignal,
      ncs(NcsEvent.uploaded, { sid: 'sid-1', details: { fileList: mixFiles('sid-1') } }),
    );
    return handle.result();
  });
  expect(result).toMatchObject({ ending: 'exited', leaveCode: 4, uploadingStatus: 'uploaded' });
  expect(result.taskMayStillRun).toBeUndefined();
});

test.each(['while the stop is in flight', 'while the 50 waits for its check'])(
  'an exit query cannot confirm, a stop answered 400/50, session_exit %s: our stop took, completed (sim seed 3521)',
  async (when) => {
    const answer = gate<StopResult>({ kind: 'already_exiting', code: 50 });
    const activities = stubActivities({
      // Still starting (status 2): decides nothing, so the exit is believed unconfirmed after the window.
      query: (): QueryResult => ({ kind: 'ok', status: 2 }),
      stop: answer.answer,
    });
    const input = mixInput({ policy: { failoverWindowSeconds: 20 } });
    const sessionExit = ncs(NcsEvent.session_exit, { sid: 'sid-1', details: { exitStatus: 0 } });
    const result = await withRecording(ctx, { input, activities }, async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(agoraNotificationSignal, leave());
      await waitForCalls(activities.stop, 1, 60_000);
      if (when === 'while the stop is in flight') await handle.signal(agoraNotificationSignal, sessionExit);
      answer.open();
      if (when !== 'while the stop is in flight') {
        // The 50 is being checked (a second stop 10 s later); the session_exit comes first.
        await waitForStatus(handle, (st) => /stop answered 49/.test(st.lastError?.message ?? ''), 'the 50 checked');
        await handle.signal(agoraNotificationSignal, sessionExit);
      }
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.uploaded, { sid: 'sid-1', details: { fileList: mixFiles('sid-1') } }),
      );
      return handle.result();
    });
    expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded' });
    expect(activities.stop).toHaveBeenCalledTimes(1);
  },
);

test('404s that outlast the failover window, then the task answers again: reconciling, stop ends it, completed', async () => {
  let stopCalls = 0;
  const activities = stubActivities({
    query: (): QueryResult => ({ kind: 'not_found' }),
    // 404 until the long failover is over (the 5th stop), then the task is back and the stop ends it.
    stop: (): StopResult => (++stopCalls < 5 ? { kind: 'not_found' } : stopped()),
  });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'no-orphan-long-failover' },
    async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(agoraNotificationSignal, leave());
      return handle.result();
    },
  );
  expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded', fileList: mixFiles('sid-1') });
  expect(result.taskMayStillRun).toBeUndefined();
  expect(stopCalls).toBe(5);
});

test('the reconciling state is visible, and a session_exit ends it (gone)', async () => {
  const activities = stubActivities({ stop: (): StopResult => ({ kind: 'not_found' }) });
  const result = await withRecording(ctx, { input: mixInput(), activities }, async ({ handle, env }) => {
    await waitForState(handle, 'recording');
    await handle.signal(stopSignal, 'done');
    await env.sleep(120_000); // past the failover window of the stop's 404s
    const status = await waitForState(handle, 'reconciling');
    expect(status.lastError).toMatchObject({ type: 'TaskMayStillRun' });
    await handle.signal(
      agoraNotificationSignal,
      ncs(NcsEvent.session_exit, { sid: 'sid-1', details: { exitStatus: 0 } }),
    );
    return handle.result();
  });
  // Every stop found no task, then Agora confirmed its exit: Agora ended it (reviewer finding 4, 2026-12-07).
  expect(result.ending).toBe('exited');
  expect(result.taskMayStillRun).toBeUndefined();
});

test('a stop that keeps failing: reconciling, and a later stop that Agora answers ends it', async () => {
  let stopCalls = 0;
  const activities = stubActivities({
    stop: () => {
      // Fails for well over the stop activity's 30 minutes of retries, then answers.
      if (++stopCalls < 40) throw serverError();
      return stopped();
    },
  });
  const result = await withRecording(ctx, { input: mixInput(), activities }, async ({ handle }) => {
    await waitForState(handle, 'recording');
    await handle.signal(stopSignal, 'done');
    return handle.result();
  });
  expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded' });
  expect(result.taskMayStillRun).toBeUndefined();
  expect(stopCalls).toBe(40);
});

describe('reconciling: a 49 no stop of ours explains is checked by the next stop (review of sim seed 4690)', () => {
  // The stop step sends about 10 stops through the 90 s failover window; then reconciling stops with backoff.
  const RECONCILING_49 = 13;
  test.each<[string, StopResult, string]>([
    ['200: the task was live (back from a failover), our stop ends it', stopped(), 'completed'],
    ['404: exiting, then gone, as the 49 said', { kind: 'not_found' }, 'exited'],
    ['49 again: believed', { kind: 'already_exiting' }, 'exited'],
  ])('then %s', async (_what, next, ending) => {
    let stopCalls = 0;
    const activities = stubActivities({
      stop: (): StopResult => {
        stopCalls++;
        if (stopCalls < RECONCILING_49) return { kind: 'not_found' };
        return stopCalls === RECONCILING_49 ? { kind: 'already_exiting' } : next;
      },
    });
    const result = await withRecording(ctx, { input: mixInput(), activities }, async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(stopSignal, 'done');
      return handle.result();
    });
    expect(result.ending).toBe(ending);
    expect(result.taskMayStillRun).toBeUndefined();
    expect(stopCalls).toBe(RECONCILING_49 + 1);
  });
});

test('stop answered 404 until the resourceId expires: taskMayStillRun, with backoff between the stops', async () => {
  const activities = stubActivities({ stop: (): StopResult => ({ kind: 'not_found' }) });
  const input = mixInput({ resourceExpiredHour: 2, policy: { maxDurationSeconds: 3600, uploadTimeoutSeconds: 30 } });
  const result = await withRecording(ctx, { input, activities }, async ({ handle }) => {
    await waitForState(handle, 'recording');
    await handle.signal(stopSignal, 'done');
    return handle.result();
  });
  // Our first stop found no task and nothing ever contradicted it: Agora's exit, unconfirmed (taskMayStillRun).
  expect(result).toMatchObject({ ending: 'exited', taskMayStillRun: true });
  expect(result.endedAt - result.startedAt!).toBeGreaterThanOrEqual(2 * 3_600_000);
  // 10 stops through the 90 s window, then 30 s doubling to an hour: not one every 10 s.
  expect(activities.stop.mock.calls.length).toBeLessThan(25);
});

test('reconciling until the resourceId expires (Agora unreachable): failed, taskMayStillRun, and it says why', async () => {
  const activities = stubActivities({
    stop: () => {
      throw serverError();
    },
  });
  const input = mixInput({ resourceExpiredHour: 2, policy: { maxDurationSeconds: 3600 } });
  const result = await withRecording(ctx, { input, activities }, async ({ handle }) => {
    await waitForState(handle, 'recording');
    await handle.signal(stopSignal, 'done');
    return handle.result();
  });
  expect(result).toMatchObject({ ending: 'failed', taskMayStillRun: true });
  expect(result.endedAt - result.startedAt!).toBeGreaterThanOrEqual(2 * 3_600_000);
  expect(result.reason).toBe('done');
});

test('code 53 after an earlier start of this workflow was refused on a retry: the task is ours, recovered and stopped', async () => {
  const activities = stubActivities({
    start: (n) => {
      // The first start's earlier attempt took but its answer was lost; its retry was refused (the activity says so
      // with earlierAttempts). The second resourceId meets our own task: 53.
      if (n === 1) {
        throw ApplicationFailure.create({
          type: AgoraFailureType.reacquire,
          message: 'resourceId expired',
          nonRetryable: true,
          details: [{ earlierAttempts: 1 }],
        });
      }
      throw ApplicationFailure.create({ type: AgoraFailureType.taskConflict, message: 'code 53', nonRetryable: true });
    },
  });
  const result = await withRecording(ctx, { input: mixInput(), activities }, async ({ handle }) => {
    await waitForCalls(activities.start, 2);
    await handle.signal(agoraNotificationSignal, ncs(NcsEvent.recorder_started, { sid: 'sid-ours' }));
    await waitForState(handle, 'recording');
    await handle.signal(stopSignal, 'done');
    return handle.result();
  });
  expect(result).toMatchObject({ ending: 'completed', sid: 'sid-ours' });
  expect(activities.stop.mock.calls[0]![0]).toMatchObject({ sid: 'sid-ours', resourceId: 'rid-1' });
});

test('a layout that meets a failover 404 waits for the recorder and is applied, not refused', async () => {
  let layoutCalls = 0;
  const activities = stubActivities({
    updateLayout: () => (++layoutCalls === 1 ? { kind: 'not_found' } : { kind: 'ok' }),
    query: () => ({ kind: 'ok', status: 5 }),
  });
  const result = await withRecording(ctx, { input: mixInput(), activities }, async ({ handle }) => {
    await waitForState(handle, 'recording');
    const layout = { mixedVideoLayout: 0 as const, backgroundColor: '#000000' };
    const status = await handle.executeUpdate(updateLayoutUpdate, { args: [layout] });
    expect(status.layout).toEqual(layout);
    await handle.signal(stopSignal, 'done');
    return handle.result();
  });
  expect(result.ending).toBe('completed');
  expect(layoutCalls).toBe(2);
});

test('a start that the start activity found ended (query after the sid): exited at once, never recording for long', async () => {
  const activities = stubActivities({
    start: (n) => ({ alreadyStarted: false, sid: `sid-${n}`, confirmation: { kind: 'ended', status: 8 } }),
    stop: () => ({ kind: 'already_exiting' }),
  });
  const result = await withRecording(
    ctx,
    { input: mixInput({ policy: { uploadTimeoutSeconds: 30 } }), activities },
    async ({ handle }) => handle.result(),
  );
  expect(result.ending).toBe('exited');
  expect(result.reason).toMatch(/query after start: Agora reports status 8/);
});

test('a layout that meets 404 on every try while query finds the recorder: refused after the window, no busy loop', async () => {
  const activities = stubActivities({
    updateLayout: () => ({ kind: 'not_found' }),
    query: () => ({ kind: 'ok', status: 5 }),
  });
  const result = await withRecording(
    ctx,
    { input: mixInput(), activities, fixture: 'no-orphan-layout-held' },
    async ({ handle, env }) => {
      await waitForState(handle, 'recording');
      const layout = { mixedVideoLayout: 0 as const, backgroundColor: '#000000' };
      const update = handle.executeUpdate(updateLayoutUpdate, { args: [layout] }).then(
        () => 'applied',
        (e: unknown) => String(e instanceof Error && e.cause instanceof Error ? e.cause.message : e),
      );
      await waitForCalls(activities.updateLayout, 1);
      await env.sleep(120_000); // past the failover window
      expect(await update).toMatch(/Agora did not apply the layout/);
      await handle.signal(stopSignal, 'done');
      return handle.result();
    },
  );
  expect(result.ending).toBe('completed');
  // One try every 30 s through the 90 s window: a handful, not hundreds.
  expect(activities.updateLayout.mock.calls.length).toBeGreaterThanOrEqual(3);
  expect(activities.updateLayout.mock.calls.length).toBeLessThanOrEqual(5);
});
