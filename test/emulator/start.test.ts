import { type Emulator } from '../../src/emulator';
import { api, clientRequests, matching, startRecording, startTestEmulator } from '../support/emulator';

describe('start (start page, best practices)', () => {
  let emu: Emulator;
  beforeEach(async () => (emu = await startTestEmulator()));
  afterEach(() => emu.close());

  test('200 with cname, uid, resourceId and a sid', async () => {
    const acq = await api(emu).acquire('room1', '527841');
    const st = await api(emu).start(acq.body.resourceId as string, 'mix', 'room1', '527841', clientRequests.mix());
    expect(st.status).toBe(200);
    expect(st.body).toEqual({
      cname: 'room1',
      uid: '527841',
      resourceId: acq.body.resourceId,
      sid: matching(/^[0-9a-f]{32}$/),
    });
  });

  test('a second start with the same resourceId → 201 code 7, and event 3 reports the state', async () => {
    const r = await startRecording(emu);
    const again = await api(emu).start(r.resourceId, 'mix', r.cname, r.uid, clientRequests.mix());
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ code: 7, reason: 'already started' });
    expect(emu.tasks()).toHaveLength(1);
    const last = emu.notifications().at(-1)!;
    expect(last.eventType).toBe(3);
    expect(last.payload).toMatchObject({ sid: r.sid, details: { msgName: 'cloud_recording_status_update' } });
  });

  test('start later than 5 minutes after acquire → code 433', async () => {
    const acq = await api(emu).acquire('room1', '527841');
    await emu.clock.advance(5 * 60_000 + 1);
    const st = await api(emu).start(acq.body.resourceId as string, 'mix', 'room1', '527841', clientRequests.mix());
    expect(st.status).toBe(400);
    expect(st.body.code).toBe(433);
  });

  test('start just inside the 5 minutes succeeds', async () => {
    const acq = await api(emu).acquire('room1', '527841');
    await emu.clock.advance(5 * 60_000 - 1);
    const st = await api(emu).start(acq.body.resourceId as string, 'mix', 'room1', '527841', clientRequests.mix());
    expect(st.status).toBe(200);
  });

  test('a second task for the same cname+uid → 400 code 53', async () => {
    await startRecording(emu, 'mix', 'room1', '527841');
    const acq = await api(emu).acquire('room1', '527841');
    const st = await api(emu).start(acq.body.resourceId as string, 'mix', 'room1', '527841', clientRequests.mix());
    expect(st.status).toBe(400);
    expect(st.body).toEqual({ code: 53, reason: 'task conflict' });
  });

  test('the same channel with another uid is a separate task', async () => {
    await startRecording(emu, 'mix', 'room1', '527841');
    await startRecording(emu, 'individual', 'room1', '527842');
    expect(emu.tasks()).toHaveLength(2);
  });

  test('cname or uid different from acquire → code 432', async () => {
    const acq = await api(emu).acquire('room1', '527841');
    const rid = acq.body.resourceId as string;
    const wrongCname = await api(emu).start(rid, 'mix', 'room2', '527841', clientRequests.mix());
    expect(wrongCname.status).toBe(400);
    expect(wrongCname.body.code).toBe(432);
    const wrongUid = await api(emu).start(rid, 'mix', 'room1', '527842', clientRequests.mix());
    expect(wrongUid.status).toBe(400);
    expect(wrongUid.body.code).toBe(432);
  });

  test('an unknown resourceId → code 1001', async () => {
    const st = await api(emu).start('bm90LWEtcmVzb3VyY2U', 'mix', 'room1', '527841', clientRequests.mix());
    expect(st.status).toBe(400);
    expect(st.body.code).toBe(1001);
  });

  test('an unknown mode → 400 code 2', async () => {
    const acq = await api(emu).acquire('room1', '527841');
    const st = await api(emu).start(acq.body.resourceId as string, 'raw', 'room1', '527841', clientRequests.mix());
    expect(st.status).toBe(400);
    expect(st.body.code).toBe(2);
  });

  test('web mode on a scene-0 resource → 400 code 2 naming scene', async () => {
    const acq = await api(emu).acquire('room1', '527841');
    const st = await api(emu).start(acq.body.resourceId as string, 'web', 'room1', '527841', clientRequests.web());
    expect(st.status).toBe(400);
    expect(st.body.code).toBe(2);
    expect(st.body.reason).toContain('scene');
  });

  test('clientRequest different from acquire startParameter → 400 code 2', async () => {
    const acq = await api(emu).acquire('room1', '527841', { startParameter: clientRequests.mix() });
    const other = clientRequests.mix({ recordingFileConfig: { avFileType: ['hls'] } });
    const st = await api(emu).start(acq.body.resourceId as string, 'mix', 'room1', '527841', other);
    expect(st.status).toBe(400);
    expect(st.body.code).toBe(2);
    const same = await api(emu).start(acq.body.resourceId as string, 'mix', 'room1', '527841', clientRequests.mix());
    expect(same.status).toBe(200);
  });

  test('after an exit the same cname+uid may record again with a new acquire', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix', 'room1', '527841');
    await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    const again = await startRecording(emu, 'mix', 'room1', '527841');
    expect(again.sid).not.toBe(r.sid);
  });
});
