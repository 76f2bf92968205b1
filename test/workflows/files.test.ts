/**
 * The file list is assembled from every source (issue 17): stop's answer (https://docs.agora.io/en/cloud-recording/rest-api/stop),
 * the last query's (https://docs.agora.io/en/cloud-recording/rest-api/query), and NCS events 4, 31, 32 and 45
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications), merged by file name; `backuped` waits,
 * bounded, for the later `uploaded`; a stop answered 404 still waits for the upload.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { NcsEvent } from '../../src/agora/notifications';
import { agoraNotificationSignal, statusQuery, stopSignal, type FileListEntry } from '../../src/contract';
import { mergeFileList, type Memory } from '../../src/workflows/state';
import {
  mixFiles,
  mixInput,
  ncs,
  settledHistoryLength,
  setupEnvironment,
  stubActivities,
  waitForCalls,
  waitForState,
  withRecording,
} from '../support/workflows';

let ctx: { env: TestWorkflowEnvironment; bundle: WorkflowBundleWithSourceMap };
beforeAll(async () => void (ctx = await setupEnvironment()));
afterAll(async () => ctx?.env.teardown());

const [m3u8, mp4] = mixFiles('sid-1') as [FileListEntry, FileListEntry];
const jpg = 'recordings/room1/sid-1_room-1__uid_s_1001__uid_e_video_20261207130000.jpg';

describe('mergeFileList', () => {
  const merged = (...lists: unknown[]): FileListEntry[] => {
    const mem = { fileList: [] } as unknown as Memory;
    for (const list of lists) mergeFileList(mem, list as never);
    return mem.fileList;
  };

  test('a string fileList is one entry; the same name from a richer source updates it in place', () => {
    expect(merged(m3u8.fileName, [mp4, m3u8])).toEqual([m3u8, mp4]);
  });
  test('a sparser newer entry never erases what an older one said; a changed field is the newer one', () => {
    expect(merged([m3u8], m3u8.fileName, [{ fileName: m3u8.fileName, isPlayable: false }])).toEqual([
      { ...m3u8, isPlayable: false },
    ]);
  });
  test('`filename` and `fileName` name the same file; nameless entries are kept once; non-objects are skipped', () => {
    expect(
      merged(
        [{ filename: 'a.mp4', sliceStartTime: 1 }],
        [{ fileName: 'a.mp4', sliceStartTime: 2 }],
        [null, 5, {}],
        [{}],
      ),
    ).toEqual([{ filename: 'a.mp4', fileName: 'a.mp4', sliceStartTime: 2 }, {}]);
  });
  test('20 000 distinct entries, named and nameless, then all of them again: each kept once', () => {
    // Its speed is not timed here (timed assertions belong in the benchmark); mergeFileList indexes names in a Map.
    const many = Array.from({ length: 10_000 }, (_, i) => [{ fileName: `f${i}.ts` }, { sliceStartTime: i }]).flat();
    expect(merged(many, many)).toEqual(many);
  });
  test('undefined, empty lists and an empty string (before the first slice) add nothing; no entry is ever lost', () => {
    // sim seeds 1244, 1550: a mix query before any content answers fileList "" and it became a file named "".
    expect(merged([mp4], undefined, [], '', [m3u8])).toEqual([mp4, m3u8]);
  });
});

test('NCS 4 and 45, stop answer and uploaded: every file, merged by name', async () => {
  // stop answers only the MP4; event 4 names the M3U8 and event 45 a snapshot, uploaded details the M3U8.
  const activities = stubActivities({ stop: () => ({ kind: 'stopped', fileList: [mp4] }) });
  const options = { input: mixInput(), activities, fixture: 'files-every-source' };
  const result = await withRecording(ctx, options, async ({ handle }) => {
    await waitForState(handle, 'recording');
    await handle.signal(
      agoraNotificationSignal,
      ncs(NcsEvent.cloud_recording_file_infos, { sid: 'sid-1', details: { fileList: m3u8.fileName } }),
    );
    await handle.signal(
      agoraNotificationSignal,
      ncs(NcsEvent.recorder_snapshot_file, { sid: 'sid-1', details: { fileName: jpg } }),
    );
    await handle.signal(stopSignal, 'done');
    await waitForState(handle, 'uploading');
    await handle.signal(
      agoraNotificationSignal,
      ncs(NcsEvent.uploaded, { sid: 'sid-1', details: { status: 0, fileList: [m3u8] } }),
    );
    return handle.result();
  });
  expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded' });
  expect(result.fileList).toEqual([m3u8, { fileName: jpg }, mp4]);
});

test('NCS lost, idle exit: the files of the last query', async () => {
  // No notification at all; the query sees the files while recording, then the task exited (status 8); stop answers 49.
  let gone = false;
  const activities = stubActivities({
    query: () => (gone ? { kind: 'ok', status: 8 } : { kind: 'ok', status: 5, fileList: mixFiles('sid-1') }),
    stop: () => ({ kind: 'already_exiting' }),
  });
  const input = mixInput({ policy: { healthCheckIntervalSeconds: 600, uploadTimeoutSeconds: 60 } });
  const result = await withRecording(ctx, { input, activities }, async ({ handle, env }) => {
    await waitForState(handle, 'recording');
    await env.sleep(700_000);
    await waitForCalls(activities.query, 1);
    gone = true;
    return handle.result();
  });
  expect(result).toMatchObject({ ending: 'exited', fileList: mixFiles('sid-1'), lastError: { type: 'UploadTimeout' } });
});

describe('backuped waits, bounded, for the later uploaded', () => {
  test('backuped, then session_exit: the wait goes on, and the later uploaded completes it', async () => {
    const activities = stubActivities({ stop: () => ({ kind: 'stopped' }) });
    const options = { input: mixInput(), activities, fixture: 'backuped-exit-then-uploaded' };
    const result = await withRecording(ctx, options, async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(stopSignal, 'done');
      await waitForState(handle, 'uploading');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.backuped, { sid: 'sid-1', details: { status: 0, fileList: mixFiles('sid-1') } }),
      );
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.session_exit, { sid: 'sid-1', details: { exitStatus: 0 } }),
      );
      await settledHistoryLength(handle);
      expect(await handle.query(statusQuery)).toMatchObject({ state: 'uploading', uploadingStatus: 'backuped' });
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.uploaded, { sid: 'sid-1', details: { status: 0, fileList: mixFiles('sid-1') } }),
      );
      return handle.result();
    });
    expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded', fileList: mixFiles('sid-1') });
    expect(result.lastError).toBeUndefined();
  });

  test('backuped, then session_exit, and no uploaded: at the upload deadline backuped is a success', async () => {
    const activities = stubActivities({
      stop: () => ({ kind: 'stopped', uploadingStatus: 'backuped', fileList: mixFiles('sid-1') }),
    });
    const input = mixInput({ policy: { uploadTimeoutSeconds: 120 } });
    const result = await withRecording(ctx, { input, activities }, async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(stopSignal, 'done');
      await waitForState(handle, 'uploading');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.session_exit, { sid: 'sid-1', details: { exitStatus: 0 } }),
      );
      return handle.result();
    });
    expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'backuped', fileList: mixFiles('sid-1') });
    expect(result.lastError).toBeUndefined();
    expect(result.endedAt - result.stoppedAt!).toBeGreaterThanOrEqual(119_000);
  });
});

describe('a user stop answered 404', () => {
  // Our first stop found no task (no earlier attempt of ours could have ended it) and session_exit confirms it: Agora
  // had ended the task by itself (STOP_49_CONFIRMED), whatever the caller asked.
  test('then session_exit and uploaded: exited, with the files', async () => {
    const activities = stubActivities({ stop: () => ({ kind: 'not_found' }) });
    const options = { input: mixInput(), activities, fixture: 'stop-404-exit-then-uploaded' };
    const result = await withRecording(ctx, options, async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(stopSignal, 'done');
      await waitForState(handle, 'stopping');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.session_exit, { sid: 'sid-1', details: { exitStatus: 0 } }),
      );
      await waitForState(handle, 'uploading');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.uploaded, { sid: 'sid-1', details: { status: 0, fileList: mixFiles('sid-1') } }),
      );
      return handle.result();
    });
    expect(result).toMatchObject({ ending: 'exited', uploadingStatus: 'uploaded', fileList: mixFiles('sid-1') });
    expect(result.reason).toMatch(/Agora had already ended the task \(stop answered 404\)/);
  });

  test('and no source of files: the result says the files are unknown, not a clean completion', async () => {
    const activities = stubActivities({ stop: () => ({ kind: 'not_found' }) });
    const result = await withRecording(ctx, { input: mixInput(), activities }, async ({ handle }) => {
      await waitForState(handle, 'recording');
      await handle.signal(stopSignal, 'done');
      await waitForState(handle, 'stopping');
      await handle.signal(
        agoraNotificationSignal,
        ncs(NcsEvent.session_exit, { sid: 'sid-1', details: { exitStatus: 0 } }),
      );
      return handle.result();
    });
    // No uploadingStatus: nothing says the files are complete (lastError depends on whether session_exit came before
    // the stop's 404 was handled).
    expect(result).toMatchObject({ ending: 'exited', fileList: [] });
    expect(result.uploadingStatus).toBeUndefined();
  });
});
