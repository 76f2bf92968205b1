import { queryResponseSchema } from '../../src/agora/schemas';
import { type Emulator } from '../../src/emulator';
import { anyNumber, api, clientRequests, startRecording, startTestEmulator } from '../support/emulator';

describe('query (query page)', () => {
  let emu: Emulator;
  beforeEach(async () => (emu = await startTestEmulator()));
  afterEach(() => emu.close());

  test('status 4 while nobody publishes, 5 from the first slice', async () => {
    const r = await startRecording(emu, 'mix');
    const before = await api(emu).query(r.resourceId, r.sid, 'mix');
    expect(before.status).toBe(200);
    expect(before.body.serverResponse).toMatchObject({ status: 4, fileListMode: 'json', fileList: [] });
    emu.channel('room1').join('1001');
    const after = await api(emu).query(r.resourceId, r.sid, 'mix');
    expect(after.body.serverResponse).toMatchObject({ status: 5, sliceStartTime: emu.clock.now() });
  });

  test('with startupMs the recorder is "starting" (status 2) until ready', async () => {
    await emu.close();
    emu = await startTestEmulator({ startupMs: 3000 });
    const r = await startRecording(emu, 'mix');
    expect((await api(emu).query(r.resourceId, r.sid, 'mix')).body.serverResponse).toMatchObject({ status: 2 });
    await emu.clock.advance(3000);
    expect((await api(emu).query(r.resourceId, r.sid, 'mix')).body.serverResponse).toMatchObject({ status: 4 });
  });

  test('mix with ["hls"]: fileListMode "string", fileList the M3U8 name', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix', 'room1', '527841', clientRequests.mix({ recordingFileConfig: {} }));
    const q = await api(emu).query(r.resourceId, r.sid, 'mix');
    expect(q.body.serverResponse).toEqual({
      status: 5,
      fileListMode: 'string',
      fileList: `rec/room1/${r.sid}_room1.m3u8`,
      sliceStartTime: anyNumber(),
    });
    expect(queryResponseSchema.safeParse(q.body).success).toBe(true);
  });

  test('mix with ["hls","mp4"]: fileListMode "json", M3U8 and MP4 entries, uid "0", mixedAllUser', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix');
    const q = await api(emu).query(r.resourceId, r.sid, 'mix');
    const sr = q.body.serverResponse as { fileListMode: string; fileList: Record<string, unknown>[] };
    expect(sr.fileListMode).toBe('json');
    expect(sr.fileList.map((f) => f.fileName)).toEqual([
      `rec/room1/${r.sid}_room1.m3u8`,
      `rec/room1/${r.sid}_room1_0.mp4`,
    ]);
    expect(sr.fileList[0]).toMatchObject({ trackType: 'audio_and_video', uid: '0', mixedAllUser: true });
    expect(queryResponseSchema.safeParse(q.body).success).toBe(true);
  });

  test('individual: one audio and one video M3U8 per publishing uid', async () => {
    emu.channel('room1').join('1001');
    emu.channel('room1').join('1002', { publishing: false });
    const r = await startRecording(emu, 'individual');
    const q = await api(emu).query(r.resourceId, r.sid, 'individual');
    const sr = q.body.serverResponse as { fileListMode: string; fileList: Record<string, unknown>[] };
    expect(sr.fileListMode).toBe('json');
    expect(sr.fileList).toEqual([
      expect.objectContaining({
        fileName: `rec/room1/${r.sid}_room1__uid_s_1001__uid_e_audio.m3u8`,
        trackType: 'audio',
        uid: '1001',
        mixedAllUser: false,
      }),
      expect.objectContaining({
        fileName: `rec/room1/${r.sid}_room1__uid_s_1001__uid_e_video.m3u8`,
        trackType: 'video',
      }),
    ]);
  });

  test('individual: a subscribe list limits who is recorded (start page)', async () => {
    emu.channel('room1').join('1001');
    emu.channel('room1').join('1002');
    const cr = clientRequests.individual({
      recordingConfig: { channelType: 1, subscribeUidGroup: 0, streamTypes: 0, subscribeAudioUids: ['1002'] },
    });
    const r = await startRecording(emu, 'individual', 'room1', '527841', cr);
    expect(emu.tasks()[0]!.recordedUids).toEqual(['1002']);
    const sr = (await api(emu).query(r.resourceId, r.sid, 'individual')).body.serverResponse as {
      fileList: { trackType: string }[];
    };
    expect(sr.fileList.map((f) => f.trackType)).toEqual(['audio']);
  });

  test('individual with snapshots: status and sliceStartTime only', async () => {
    emu.channel('room1').join('1001');
    const cr = clientRequests.individual({ snapshotConfig: { captureInterval: 5, fileType: ['jpg'] } });
    delete (cr as Record<string, unknown>).recordingFileConfig;
    const r = await startRecording(emu, 'individual', 'room1', '527841', cr);
    const q = await api(emu).query(r.resourceId, r.sid, 'individual');
    expect(q.body.serverResponse).toEqual({ status: 5, sliceStartTime: anyNumber() });
  });

  test('web: extensionServiceState with lower-case filename entries', async () => {
    const r = await startRecording(emu, 'web', 'room.1#a');
    const q = await api(emu).query(r.resourceId, r.sid, 'web');
    expect(q.body.serverResponse).toEqual({
      status: 5,
      extensionServiceState: [
        {
          serviceName: 'web_recorder_service',
          payload: {
            state: 'inProgress',
            onhold: false,
            fileList: [
              { filename: `rec/room1/${r.sid}_room-1-a.m3u8`, sliceStartTime: anyNumber() },
              { filename: `rec/room1/${r.sid}_room-1-a_0.mp4`, sliceStartTime: anyNumber() },
            ],
          },
        },
      ],
    });
    expect(queryResponseSchema.safeParse(q.body).success).toBe(true);
  });

  test('an unknown sid → 404 code 404 failed to find worker', async () => {
    const r = await startRecording(emu, 'mix');
    const q = await api(emu).query(r.resourceId, '0123456789abcdef0123456789abcdef', 'mix');
    expect(q.status).toBe(404);
    expect(q.body).toEqual({ code: 404, reason: 'failed to find worker' });
  });

  test('a sid of another resourceId → code 1003', async () => {
    const a = await startRecording(emu, 'mix', 'room1', '1');
    const b = await startRecording(emu, 'mix', 'room2', '2');
    const q = await api(emu).query(a.resourceId, b.sid, 'mix');
    expect(q.status).toBe(400);
    expect(q.body.code).toBe(1003);
  });

  test('a mode other than the recording’s → 400 code 2', async () => {
    const r = await startRecording(emu, 'mix');
    const q = await api(emu).query(r.resourceId, r.sid, 'individual');
    expect(q.status).toBe(400);
    expect(q.body.code).toBe(2);
  });

  test('after stop → 404', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix');
    await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    const q = await api(emu).query(r.resourceId, r.sid, 'mix');
    expect(q.status).toBe(404);
    expect(q.body.code).toBe(404);
  });

  test('past resourceExpiredHour → 404', async () => {
    const acq = await api(emu).acquire('room1', '527841', { resourceExpiredHour: 1 });
    const rid = acq.body.resourceId as string;
    const st = await api(emu).start(rid, 'mix', 'room1', '527841', clientRequests.mix());
    emu.channel('room1').join('1001');
    await emu.clock.advance(3_600_001);
    const q = await api(emu).query(rid, st.body.sid as string, 'mix');
    expect(q.status).toBe(404);
  });
});
