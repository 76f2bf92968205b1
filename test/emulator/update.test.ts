import { type Emulator } from '../../src/emulator';
import { api, startRecording, startTestEmulator } from '../support/emulator';

describe('update and updateLayout (update page, updateLayout page)', () => {
  let emu: Emulator;
  beforeEach(async () => (emu = await startTestEmulator()));
  afterEach(() => emu.close());

  test('update subscriptions → 200 and the new list decides who is recorded', async () => {
    emu.channel('room1').join('1001');
    emu.channel('room1').join('1002');
    const cr = {
      recordingConfig: {
        channelType: 1,
        subscribeUidGroup: 0,
        subscribeAudioUids: ['1001'],
        subscribeVideoUids: ['1001'],
      },
      storageConfig: { vendor: 1, region: 0, bucket: 'b', accessKey: 'a', secretKey: 's' },
    };
    const r = await startRecording(emu, 'individual', 'room1', '527841', cr);
    expect(emu.tasks()[0]!.recordedUids).toEqual(['1001']);
    const u = await api(emu).update(r.resourceId, r.sid, 'individual', r.cname, r.uid, {
      streamSubscribe: { audioUidList: { subscribeAudioUids: ['#allstream#'] } },
    });
    expect(u.status).toBe(200);
    expect(u.body).toEqual({ cname: r.cname, uid: r.uid, resourceId: r.resourceId, sid: r.sid });
    expect(emu.tasks()[0]!.recordedUids).toEqual(['1001', '1002']);
  });

  test('updateLayout replaces the whole layout', async () => {
    const r = await startRecording(emu, 'mix');
    const layout = { mixedVideoLayout: 3, layoutConfig: [{ x_axis: 0, y_axis: 0, width: 1, height: 1 }] };
    const u = await api(emu).updateLayout(r.resourceId, r.sid, r.cname, r.uid, layout);
    expect(u.status).toBe(200);
    expect(u.body).toEqual({ cname: r.cname, uid: r.uid, resourceId: r.resourceId, sid: r.sid });
    expect(emu.tasks()[0]!.layout).toEqual(layout);
    await api(emu).updateLayout(r.resourceId, r.sid, r.cname, r.uid, { mixedVideoLayout: 1 });
    expect(emu.tasks()[0]!.layout).toEqual({ mixedVideoLayout: 1 });
  });

  test('updateLayout outside mix mode → 400 code 2', async () => {
    const r = await startRecording(emu, 'individual');
    const u = await api(emu).updateLayout(r.resourceId, r.sid, r.cname, r.uid, { mixedVideoLayout: 1 }, 'individual');
    expect(u.status).toBe(400);
    expect(u.body.code).toBe(2);
  });

  test('web onhold through update', async () => {
    const r = await startRecording(emu, 'web');
    const u = await api(emu).update(r.resourceId, r.sid, 'web', r.cname, r.uid, {
      webRecordingConfig: { onhold: true },
    });
    expect(u.status).toBe(200);
    expect(emu.tasks()[0]!.onhold).toBe(true);
  });

  test('a web-only field in mix mode → 400 code 2 naming it', async () => {
    const r = await startRecording(emu, 'mix');
    const u = await api(emu).update(r.resourceId, r.sid, 'mix', r.cname, r.uid, {
      webRecordingConfig: { onhold: true },
    });
    expect(u.status).toBe(400);
    expect(u.body.code).toBe(2);
    expect(u.body.reason).toContain('webRecordingConfig');
  });

  test('cname or uid different from the recording → code 432', async () => {
    const r = await startRecording(emu, 'mix');
    const u = await api(emu).updateLayout(r.resourceId, r.sid, 'room2', r.uid, { mixedVideoLayout: 1 });
    expect(u.status).toBe(400);
    expect(u.body.code).toBe(432);
  });

  test('update and updateLayout after stop → 404', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix');
    await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    const u = await api(emu).update(r.resourceId, r.sid, 'mix', r.cname, r.uid, {
      streamSubscribe: { audioUidList: { subscribeAudioUids: ['#allstream#'] } },
    });
    expect(u.status).toBe(404);
    expect(u.body.code).toBe(404);
    const l = await api(emu).updateLayout(r.resourceId, r.sid, r.cname, r.uid, { mixedVideoLayout: 1 });
    expect(l.status).toBe(404);
    expect(l.body.code).toBe(404);
  });
});
