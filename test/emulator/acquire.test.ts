import { type Emulator } from '../../src/emulator';
import { api, matching, startRecording, startTestEmulator } from '../support/emulator';

describe('acquire (acquire page, best practices, REST overview)', () => {
  let emu: Emulator;
  afterEach(() => emu.close());

  test('200 with cname, uid and a long URL-safe resourceId', async () => {
    emu = await startTestEmulator();
    const r = await api(emu).acquire('room1', '527841');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      cname: 'room1',
      uid: '527841',
      resourceId: matching(/^[A-Za-z0-9_-]{200,}$/),
    });
  });

  test('more live recordings than the quota → 400 code 406 vendor_over_load', async () => {
    emu = await startTestEmulator({ concurrencyQuota: 1 });
    await startRecording(emu, 'mix', 'room1', '1');
    const r = await api(emu).acquire('room2', '2');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 406, reason: 'vendor_over_load' });
  });

  test('the quota frees up when a recording stops', async () => {
    emu = await startTestEmulator({ concurrencyQuota: 1 });
    emu.channel('room1').join('1001');
    const rec = await startRecording(emu, 'mix', 'room1', '1');
    await api(emu).stop(rec.resourceId, rec.sid, 'mix', rec.cname, rec.uid);
    expect((await api(emu).acquire('room2', '2')).status).toBe(200);
  });

  test('unsupported characters in cname → 400 code 401 invalid_channel_name', async () => {
    emu = await startTestEmulator();
    const r = await api(emu).acquire('room/1*', '527841');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 401, reason: 'invalid_channel_name' });
  });

  test('a cname of 64 bytes or more → 400 code 401', async () => {
    emu = await startTestEmulator();
    const r = await api(emu).acquire('a'.repeat(64), '527841');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(401);
  });

  test('web scene: cname is a label up to 1024 bytes', async () => {
    emu = await startTestEmulator();
    const r = await api(emu).acquire('https://example.com/a page', '527841', { scene: 1 });
    expect(r.status).toBe(200);
  });

  test('resourceExpiredHour outside 1..720 → 400 code 2 naming the field', async () => {
    emu = await startTestEmulator();
    const r = await api(emu).acquire('room1', '527841', { resourceExpiredHour: 721 });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(2);
    expect(r.body.reason).toContain('clientRequest.resourceExpiredHour');
  });

  test('an invalid startParameter does not fail acquire, it fails start (acquire page)', async () => {
    emu = await startTestEmulator();
    const bad = { storageConfig: { vendor: 1 } };
    const acq = await api(emu).acquire('room1', '527841', { startParameter: bad });
    expect(acq.status).toBe(200);
    const st = await api(emu).start(acq.body.resourceId as string, 'mix', 'room1', '527841', bad);
    expect(st.status).toBe(400);
    expect(st.body.code).toBe(2);
  });
});
