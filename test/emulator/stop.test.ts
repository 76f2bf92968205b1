import { stopResponseSchema } from '../../src/agora/schemas';
import { type Emulator } from '../../src/emulator';
import { anyNumber, api, arrived, clientRequests, startRecording, startTestEmulator } from '../support/emulator';

describe('stop (stop page, best practices)', () => {
  let emu: Emulator;
  beforeEach(async () => (emu = await startTestEmulator()));
  afterEach(() => emu.close());

  test('200 with the file list and uploadingStatus "uploaded"', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix', 'room1', '527841', clientRequests.mix({ recordingFileConfig: {} }));
    const s = await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    expect(s.status).toBe(200);
    expect(s.body).toEqual({
      cname: r.cname,
      uid: r.uid,
      resourceId: r.resourceId,
      sid: r.sid,
      serverResponse: {
        fileListMode: 'string',
        fileList: `rec/room1/${r.sid}_room1.m3u8`,
        uploadingStatus: 'uploaded',
      },
    });
    expect(stopResponseSchema.safeParse(s.body).success).toBe(true);
  });

  test('nobody published → 206 code 435, and the recording has ended', async () => {
    const r = await startRecording(emu, 'mix');
    const s = await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    expect(s.status).toBe(206);
    expect(s.body).toMatchObject({ code: 435, reason: 'no recorded data' });
    expect(emu.tasks()[0]!.phase).toBe('exited');
  });

  test('someone joined but never published → 435', async () => {
    emu.channel('room1').join('1001', { publishing: false });
    const r = await startRecording(emu, 'mix');
    const s = await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    expect(s.status).toBe(206);
    expect(s.body.code).toBe(435);
  });

  test('a second stop → 400 code 49, and 404 once the exit is old', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix');
    await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    const again = await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ code: 49, reason: 'invalid operation' });
    await emu.clock.advance(60_001);
    const later = await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    expect(later.status).toBe(404);
    expect(later.body.code).toBe(404);
  });

  test('synchronous stop answers only after the upload (syncStopMs)', async () => {
    await emu.close();
    emu = await startTestEmulator({ syncStopMs: 15_000 });
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix');
    let answered = false;
    const pending = api(emu)
      .stop(r.resourceId, r.sid, 'mix', r.cname, r.uid)
      .finally(() => (answered = true));
    await arrived(emu, 'stop');
    await new Promise((res) => setTimeout(res, 50));
    expect(answered).toBe(false);
    await emu.clock.advance(15_000);
    const s = await pending;
    expect(s.status).toBe(200);
    expect(s.body.serverResponse).toMatchObject({ uploadingStatus: 'uploaded' });
  });

  test('a synchronous stop whose upload takes over 20 s → 400 code 50; the upload still completes', async () => {
    await emu.close();
    emu = await startTestEmulator({ syncStopMs: 30_000 });
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix');
    const pending = api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    await arrived(emu, 'stop');
    await emu.clock.advance(20_000);
    const s = await pending;
    expect(s.status).toBe(400);
    expect(s.body).toEqual({ code: 50, reason: 'upload timeout' });
    await emu.clock.advance(10_000);
    expect(emu.tasks()[0]!.uploadingStatus).toBe('uploaded');
    expect(emu.notifications().map((n) => n.eventType)).toContain(31);
  });

  test('async_stop answers at once with uploadingStatus "unknown" until the upload is over', async () => {
    await emu.close();
    emu = await startTestEmulator({ syncStopMs: 15_000 });
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix');
    const s = await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid, { async_stop: true });
    expect(s.status).toBe(200);
    expect(s.body.serverResponse).toMatchObject({ uploadingStatus: 'unknown' });
    await emu.clock.advance(15_000);
    expect(emu.tasks()[0]!.uploadingStatus).toBe('uploaded');
  });

  test('individual: json file list per uid', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'individual');
    const s = await api(emu).stop(r.resourceId, r.sid, 'individual', r.cname, r.uid);
    expect(s.body.serverResponse).toMatchObject({ fileListMode: 'json', uploadingStatus: 'uploaded' });
    expect((s.body.serverResponse as { fileList: unknown[] }).fileList).toHaveLength(2);
  });

  test('web: extensionServiceState with upload_service and web_recorder_service', async () => {
    const r = await startRecording(emu, 'web');
    const s = await api(emu).stop(r.resourceId, r.sid, 'web', r.cname, r.uid);
    expect(s.status).toBe(200);
    expect(s.body.serverResponse).toEqual({
      extensionServiceState: [
        { serviceName: 'upload_service', payload: { uploadingStatus: 'uploaded' } },
        {
          serviceName: 'web_recorder_service',
          payload: {
            state: 'exit',
            onhold: false,
            fileList: [
              { filename: `rec/room1/${r.sid}_room1.m3u8`, sliceStartTime: anyNumber() },
              { filename: `rec/room1/${r.sid}_room1_0.mp4`, sliceStartTime: anyNumber() },
            ],
          },
        },
      ],
    });
    expect(stopResponseSchema.safeParse(s.body).success).toBe(true);
  });

  test('web recording kept on hold the whole time → 435', async () => {
    const cr = clientRequests.web();
    const service = cr.extensionServiceConfig.extensionServices[0]!;
    (service.serviceParam as Record<string, unknown>).onhold = true;
    const r = await startRecording(emu, 'web', 'room1', '527841', cr);
    const s = await api(emu).stop(r.resourceId, r.sid, 'web', r.cname, r.uid);
    expect(s.status).toBe(206);
    expect(s.body.code).toBe(435);
  });

  test('cname or uid different from the recording → code 432', async () => {
    const r = await startRecording(emu, 'mix');
    const s = await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, '999');
    expect(s.status).toBe(400);
    expect(s.body.code).toBe(432);
    expect(emu.tasks()[0]!.phase).toBe('recording');
  });
});
