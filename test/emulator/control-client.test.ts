import { EmulatorControl, type Emulator } from '../../src/emulator';
import { api, startRecording, startTestEmulator } from '../support/emulator';

describe('EmulatorControl (the control API client)', () => {
  let emu: Emulator;
  let ctl: EmulatorControl;
  beforeEach(async () => {
    emu = await startTestEmulator();
    ctl = new EmulatorControl(emu.baseUrl);
  });
  afterEach(() => emu.close());

  test('health, faults, channels, calls, tasks and failover, typed', async () => {
    expect(await ctl.health()).toMatchObject({ ok: true, mode: 'manual' });
    const id = await ctl.addFault({ kind: 'error', endpoint: 'acquire', httpStatus: 500 });
    expect(emu.faults.list().map((f) => f.id)).toEqual([id]);
    await ctl.removeFault(id);
    expect(emu.faults.list()).toEqual([]);

    await ctl.join('room1', '1001');
    expect(emu.channel('room1').participants()).toEqual([{ uid: '1001', publishing: true }]);
    const r = await startRecording(emu, 'mix');
    expect((await ctl.callsFor('room1')).map((c) => c.endpoint)).toEqual(['acquire', 'start']);
    expect((await ctl.tasksFor('room1')).map((t) => [t.sid, t.phase])).toEqual([[r.sid, 'recording']]);
    expect((await ctl.notifications()).map((n) => n.eventType)).toContain(40);
    expect(await ctl.deliveries()).toEqual([]);

    await ctl.failover(r.sid, 10_000);
    expect((await api(emu).query(r.resourceId, r.sid, 'mix')).status).toBe(404);
    await ctl.leave('room1', '1001');
    expect(emu.channel('room1').participants()).toEqual([]);
    await ctl.clearCalls();
    await ctl.clearFaults();
    expect(await ctl.calls()).toEqual([]);
  });

  test('a refused request names the method, the path, the status and the answer', async () => {
    await expect(ctl.failover('nope', 1)).rejects.toThrow(
      /^emulator POST \/_emulator\/tasks\/nope\/failover: HTTP 404 .*no such sid/,
    );
  });
});
