import { type Emulator } from '../../src/emulator';
import { api, call, clientRequests, startRecording, startTestEmulator } from '../support/emulator';

/** Control API calls need no auth. */
const ctl = (emu: Emulator, method: string, path: string, body?: unknown) =>
  call(emu, method, `/_emulator${path}`, body, { authorization: null });

describe('HTTP control API (/_emulator)', () => {
  let emu: Emulator;
  beforeEach(async () => (emu = await startTestEmulator()));
  afterEach(() => emu.close());

  test('health and clock', async () => {
    const h = await ctl(emu, 'GET', '/health');
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ ok: true, mode: 'manual', now: emu.clock.now() });
    const before = emu.clock.now();
    const a = await ctl(emu, 'POST', '/clock/advance', { ms: 5000 });
    expect(a.body).toEqual({ now: before + 5000 });
    expect((await ctl(emu, 'GET', '/clock')).body).toMatchObject({ now: before + 5000 });
  });

  test('faults: add, list, apply, clear', async () => {
    const added = await ctl(emu, 'POST', '/faults', { kind: 'error', endpoint: 'acquire', httpStatus: 500 });
    expect(added.body).toEqual({ id: 1 });
    expect((await ctl(emu, 'GET', '/faults')).body).toEqual([expect.objectContaining({ id: 1, kind: 'error' })]);
    expect((await api(emu).acquire('room1', '1')).status).toBe(500);
    await ctl(emu, 'DELETE', '/faults');
    expect((await api(emu).acquire('room1', '1')).status).toBe(200);
  });

  test('a malformed fault rule → 400 with an error, nothing added', async () => {
    const r = await ctl(emu, 'POST', '/faults', { kind: 'teleport' });
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual(expect.any(String));
    expect(emu.faults.list()).toHaveLength(0);
  });

  test('channel join / publish / leave drive the recording', async () => {
    const r = await startRecording(emu, 'mix');
    const j = await ctl(emu, 'POST', '/channels/room1/join', { uid: '1001' });
    expect(j.body).toEqual({ participants: [{ uid: '1001', publishing: true }] });
    expect(emu.tasks()[0]!.recordedUids).toEqual(['1001']);
    await ctl(emu, 'POST', '/channels/room1/publish', { uid: '1001', publishing: false });
    await ctl(emu, 'POST', '/channels/room1/leave', { uid: '1001' });
    expect((await ctl(emu, 'GET', '/channels/room1')).body).toEqual({ participants: [] });
    await ctl(emu, 'POST', '/clock/advance', { ms: 30_000 });
    expect((await api(emu).query(r.resourceId, r.sid, 'mix')).status).toBe(404);
  });

  test('channel join with a bad uid → 400', async () => {
    expect((await ctl(emu, 'POST', '/channels/room1/join', { uid: 0 })).status).toBe(400);
  });

  test('calls (secrets masked), tasks, notifications, deliveries', async () => {
    const r = await startRecording(emu, 'mix');
    const calls = (await ctl(emu, 'GET', '/calls')).body as unknown as Record<string, unknown>[];
    expect(calls.map((c) => [c.endpoint, c.httpStatus])).toEqual([
      ['acquire', 200],
      ['start', 200],
    ]);
    const started = JSON.stringify(calls[1]);
    expect(started).not.toContain(clientRequests.mix().storageConfig.secretKey);
    expect(started).not.toContain(clientRequests.mix().storageConfig.accessKey);
    expect(calls[1]).toMatchObject({
      resourceId: r.resourceId,
      mode: 'mix',
      body: { clientRequest: { storageConfig: { accessKey: '***', secretKey: '***', bucket: 'bucket' } } },
    });
    const tasks = (await ctl(emu, 'GET', '/tasks')).body as unknown as Record<string, unknown>[];
    expect(tasks).toEqual([expect.objectContaining({ sid: r.sid, phase: 'recording' })]);
    const notes = (await ctl(emu, 'GET', '/notifications')).body as unknown as Record<string, unknown>[];
    expect(notes.map((n) => n.eventType)).toEqual([40, 30]);
    expect((await ctl(emu, 'GET', '/deliveries')).body).toEqual([]);
    await ctl(emu, 'DELETE', '/calls');
    expect((await ctl(emu, 'GET', '/calls')).body).toEqual([]);
  });

  test('task failover through the control API', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix');
    const f = await ctl(emu, 'POST', `/tasks/${r.sid}/failover`, { ms: 10_000 });
    expect(f.body).toEqual({ failoverUntil: emu.clock.now() + 10_000 });
    expect((await api(emu).query(r.resourceId, r.sid, 'mix')).status).toBe(404);
    expect((await ctl(emu, 'POST', '/tasks/nope/failover', { ms: 1 })).status).toBe(404);
  });

  test('control requests are not in the call log and not rate limited', async () => {
    await emu.close();
    emu = await startTestEmulator({ qpsLimit: 2 });
    for (let i = 0; i < 5; i++) expect((await ctl(emu, 'GET', '/health')).status).toBe(200);
    expect(emu.calls()).toEqual([]);
  });

  test('an unknown control route → 404', async () => {
    expect((await ctl(emu, 'GET', '/nothing')).status).toBe(404);
  });
});
