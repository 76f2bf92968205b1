/**
 * Every signal and update argument is checked by its handler (issue 17): a value of the wrong shape is ignored and
 * logged, or rejected by the update's validator with a typed failure naming the field, and never fails a workflow task
 * (a failing task fails again on every replay, and then stop and cancel are never handled while Agora records). Each
 * table sends garbage to one message of a running recording, then checks the history and that the recording still stops
 * normally with its files (docs/architecture.md "Messages"; the notification fields of
 * https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { NcsEvent } from '../../src/agora/notifications';
import {
  RecordingFailureType,
  agoraNotificationSignal,
  statusQuery,
  stopSignal,
  stopUpdate,
  updateLayoutSignal,
  updateLayoutUpdate,
  updateSubscriptionSignal,
  type RecordingResult,
} from '../../src/contract';
import {
  eventNames,
  mixFiles,
  mixInput,
  ncs,
  settledHistoryLength,
  setupEnvironment,
  stubActivities,
  waitForState,
  withRecording,
  type Run,
  type StubActivities,
} from '../support/workflows';

let ctx: { env: TestWorkflowEnvironment; bundle: WorkflowBundleWithSourceMap };
beforeAll(async () => void (ctx = await setupEnvironment()));
afterAll(async () => ctx?.env.teardown());

/** Values of no message's type. */
const garbage: [name: string, value: unknown][] = [
  ['null', null],
  ['an array', [1, 'two']],
  ['a number', 42],
  ['a string', 'layout please'],
  ['a boolean', true],
];

/** A valid uploaded notification of sid-1, then `change` applied to a copy (JSON, so fields can be anything). */
function mangled(change: (n: Record<string, unknown> & { payload: Record<string, unknown> }) => void): unknown {
  const n = JSON.parse(JSON.stringify(ncs(NcsEvent.uploaded, { sid: 'sid-1', details: { status: 0 } }))) as Record<
    string,
    unknown
  > & { payload: Record<string, unknown> };
  change(n);
  return n;
}

/** Notifications that are wrong in one field the workflow reads. */
const badNotifications: [name: string, value: unknown][] = [
  ...garbage,
  ['an empty object', {}],
  ['noticeId a number', mangled((n) => (n.noticeId = 7))],
  ['eventType a string', mangled((n) => (n.eventType = '31'))],
  ['payload null', mangled((n) => (n.payload = null as never))],
  ['payload an array', mangled((n) => (n.payload = [] as never))],
  ['payload a string', mangled((n) => (n.payload = 'x' as never))],
  ['payload.cname a number', mangled((n) => (n.payload.cname = 1))],
  ['payload.uid an object', mangled((n) => (n.payload.uid = {}))],
  ['payload.sid null', mangled((n) => (n.payload.sid = null))],
  ['payload.details null', mangled((n) => (n.payload.details = null))],
  ['payload.details an array', mangled((n) => (n.payload.details = []))],
  ['payload.details a string', mangled((n) => (n.payload.details = 'done'))],
  ['payload.sequence a string', mangled((n) => (n.payload.sequence = 'nine'))],
  ['payload.sequence an object', mangled((n) => (n.payload.sequence = { n: 9 }))],
];

/** Notifications of sid-1 that are valid as envelopes and carry bad file information: the bad parts are dropped. */
const badFileNotifications = (): unknown[] => [
  ncs(NcsEvent.cloud_recording_file_infos, { sid: 'sid-1', details: { fileList: 5 } }),
  ncs(NcsEvent.cloud_recording_file_infos, { sid: 'sid-1', details: { fileList: ['a.m3u8'] } }),
  ncs(NcsEvent.recorder_snapshot_file, { sid: 'sid-1', details: { fileName: null } }),
  ncs(NcsEvent.recorder_snapshot_file, { sid: 'sid-1', details: { fileName: { path: 'x.jpg' } } }),
  ncs(NcsEvent.backuped, { sid: 'sid-1', details: { fileList: 'x.m3u8' } }),
  ncs(NcsEvent.backuped, { sid: 'sid-1', details: { fileList: [null, 5, 'x.mp4', [], { fileName: 3 }] } }),
  ncs(NcsEvent.backuped, { sid: 'sid-1', details: { fileList: [{ filename: false }] } }),
];

/** Layouts of the wrong shape, and the field the validator names. */
const badLayouts: [name: string, value: unknown, field: string][] = [
  ...garbage.map(([name, value]): [string, unknown, string] => [name, value, 'layout']),
  ['mixedVideoLayout a string', { mixedVideoLayout: '1' }, 'layout.mixedVideoLayout'],
  ['maxResolutionUid a number', { maxResolutionUid: 1001 }, 'layout.maxResolutionUid'],
  ['backgroundColor a number', { backgroundColor: 0xff0000 }, 'layout.backgroundColor'],
  ['backgroundImage an object', { backgroundImage: { url: 'x' } }, 'layout.backgroundImage'],
  ['layoutConfig an object', { mixedVideoLayout: 3, layoutConfig: { x_axis: 0 } }, 'layout.layoutConfig'],
  ['a region null', { mixedVideoLayout: 3, layoutConfig: [null] }, 'layout.layoutConfig[0]'],
  [
    'a region width a string',
    { mixedVideoLayout: 3, layoutConfig: [{ x_axis: 0, y_axis: 0, width: '1', height: 1 }] },
    'layout.layoutConfig[0].width',
  ],
  ['backgroundConfig entries null', { backgroundConfig: [null] }, 'layout.backgroundConfig[0]'],
  ['an unknown field', { mixedVideoLayout: 1, colour: 'red' }, 'layout.colour'],
];

/** Subscriptions of the wrong shape. */
const badSubscriptions: [name: string, value: unknown][] = [
  ...garbage,
  ['audioUidList null', { audioUidList: null }],
  ['audioUidList an array', { audioUidList: ['1001'] }],
  ['subscribeVideoUids a string', { videoUidList: { subscribeVideoUids: '1001' } }],
  ['subscribeVideoUids of numbers', { videoUidList: { subscribeVideoUids: [1001] } }],
  ['subscribeAudioUids of null', { audioUidList: { subscribeAudioUids: [null] } }],
  ['an unknown list', { screenUidList: {} }],
];

/** Stop reasons that are not strings. */
const badReasons: [name: string, value: unknown][] = [
  ...garbage.filter(([name]) => name !== 'a string'),
  ['an object', { why: 'x' }],
];

/** The history has no failed workflow task; while running, once every signal so far is handled. */
async function expectNoTaskFailure(handle: Run['handle'], running = true): Promise<void> {
  if (running) await settledHistoryLength(handle);
  expect(await eventNames(handle)).not.toContain('WORKFLOW_TASK_FAILED');
}

/** The recording is still recording, then stops normally with the stop's files. */
async function stopsNormally(run: Run, activities: StubActivities): Promise<RecordingResult> {
  const status = await run.handle.query(statusQuery);
  expect(status.state).toBe('recording');
  await run.handle.signal(stopSignal, 'done');
  const result = await run.handle.result();
  expect(result).toMatchObject({ ending: 'completed', reason: 'done', fileList: mixFiles('sid-1') });
  expect(activities.stop).toHaveBeenCalledTimes(1);
  await expectNoTaskFailure(run.handle, false);
  return result;
}

/** The update failed in its validator with an ApplicationFailure of `type`. */
async function rejection(p: Promise<unknown>, type: string): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(type);
  return cause as ApplicationFailure;
}

test('agoraNotification: malformed notifications and bad file entries are dropped, never a task failure', async () => {
  const activities = stubActivities();
  const result = await withRecording(ctx, { input: mixInput(), activities }, async (run) => {
    await waitForState(run.handle, 'recording');
    for (const [, value] of badNotifications) await run.handle.signal(agoraNotificationSignal, value as never);
    for (const value of badFileNotifications()) await run.handle.signal(agoraNotificationSignal, value as never);
    await expectNoTaskFailure(run.handle);
    const status = await run.handle.query(statusQuery);
    // Only the valid backuped notifications took effect: the malformed uploaded ones did not.
    expect(status.uploadingStatus).toBe('backuped');
    return stopsNormally(run, activities);
  });
  // No bad entry reached the file list: it is exactly the stop's.
  expect(result.fileList).toEqual(mixFiles('sid-1'));
});

test('updateLayout update: every bad layout is rejected by the validator, InvalidLayout naming the field', async () => {
  const activities = stubActivities();
  await withRecording(ctx, { input: mixInput(), activities }, async (run) => {
    await waitForState(run.handle, 'recording');
    for (const [name, value, field] of badLayouts) {
      const failure = await rejection(
        run.handle.executeUpdate(updateLayoutUpdate, { args: [value as never] }),
        RecordingFailureType.invalidLayout,
      );
      expect([name, failure.message.startsWith(`${field}: `)]).toEqual([name, true]);
    }
    await expectNoTaskFailure(run.handle);
    expect(activities.updateLayout).not.toHaveBeenCalled();
    return stopsNormally(run, activities);
  });
});

test('updateLayout signal: every bad layout is ignored, nothing is sent to Agora', async () => {
  const activities = stubActivities();
  await withRecording(ctx, { input: mixInput(), activities }, async (run) => {
    await waitForState(run.handle, 'recording');
    for (const [, value] of badLayouts) await run.handle.signal(updateLayoutSignal, value as never);
    await expectNoTaskFailure(run.handle);
    expect((await run.handle.query(statusQuery)).pendingLayout).toBeUndefined();
    expect(activities.updateLayout).not.toHaveBeenCalled();
    return stopsNormally(run, activities);
  });
});

test('updateSubscription signal: every bad subscription is ignored, nothing is sent to Agora', async () => {
  const activities = stubActivities();
  await withRecording(ctx, { input: mixInput(), activities }, async (run) => {
    await waitForState(run.handle, 'recording');
    for (const [, value] of badSubscriptions) await run.handle.signal(updateSubscriptionSignal, value as never);
    await expectNoTaskFailure(run.handle);
    expect((await run.handle.query(statusQuery)).pendingSubscription).toBeUndefined();
    expect(activities.update).not.toHaveBeenCalled();
    return stopsNormally(run, activities);
  });
});

describe.each(badReasons)('a stop reason that is %s counts as no reason', (_name, reason) => {
  test.each(['signal', 'update'] as const)('stop %s', async (kind) => {
    const activities = stubActivities();
    const result = await withRecording(ctx, { input: mixInput(), activities }, async ({ handle }) => {
      await waitForState(handle, 'recording');
      if (kind === 'signal') await handle.signal(stopSignal, reason as never);
      else expect((await handle.executeUpdate(stopUpdate, { args: [reason as never] })).reason).toBe('stop requested');
      const r = await handle.result();
      await expectNoTaskFailure(handle, false);
      return r;
    });
    expect(result).toMatchObject({ ending: 'completed', reason: 'stop requested', fileList: mixFiles('sid-1') });
  });
});
