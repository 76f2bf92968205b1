import { type Emulator } from '../../src/emulator';
import { api, clientRequests, startRecording, startTestEmulator } from '../support/emulator';

const events = (emu: Emulator) => emu.notifications().map((n) => n.eventType);

describe('simulated channel and idle exit (start page maxIdleTime, best practices)', () => {
  let emu: Emulator;
  beforeEach(async () => (emu = await startTestEmulator()));
  afterEach(() => emu.close());

  test('live channel: nobody publishing for maxIdleTime → recorder leaves (41 leaveCode 4, 31, 11)', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix'); // maxIdleTime 30 s
    emu.channel('room1').leave('1001');
    await emu.clock.advance(29_999);
    expect(emu.tasks()[0]!.phase).toBe('recording');
    await emu.clock.advance(1);
    expect(emu.tasks()[0]).toMatchObject({ phase: 'exited', endReason: 'idle' });
    const leave = emu.notifications().find((n) => n.eventType === 41)!;
    expect(leave.payload.details).toMatchObject({ msgName: 'recorder_leave', leaveCode: 4 });
    expect(events(emu).slice(-3)).toEqual([33, 31, 11]);
    const q = await api(emu).query(r.resourceId, r.sid, 'mix');
    expect(q.status).toBe(404);
    const s = await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    expect(s.status).toBe(400);
    expect(s.body.code).toBe(49);
  });

  test('a publisher coming back within maxIdleTime cancels the idle exit', async () => {
    emu.channel('room1').join('1001');
    await startRecording(emu, 'mix');
    emu.channel('room1').publish('1001', false);
    await emu.clock.advance(20_000);
    emu.channel('room1').publish('1001', true);
    await emu.clock.advance(60_000);
    expect(emu.tasks()[0]!.phase).toBe('recording');
  });

  test('communication channel: a present user who does not publish keeps it non-idle', async () => {
    const cr = clientRequests.mix({ recordingConfig: { channelType: 0, maxIdleTime: 10 } });
    emu.channel('room1').join('1001', { publishing: false });
    await startRecording(emu, 'mix', 'room1', '527841', cr);
    await emu.clock.advance(60_000);
    expect(emu.tasks()[0]!.phase).toBe('recording');
    emu.channel('room1').leave('1001');
    await emu.clock.advance(10_000);
    expect(emu.tasks()[0]!.phase).toBe('exited');
  });

  test('an empty channel from the start exits after maxIdleTime, nothing recorded (41, 11, no 31)', async () => {
    await startRecording(emu, 'mix');
    await emu.clock.advance(30_000);
    expect(emu.tasks()[0]!.phase).toBe('exited');
    expect(events(emu)).toEqual([40, 30, 41, 11]);
  });

  test('web mode has no idle exit; maxRecordingHour ends it (71 code 1)', async () => {
    await startRecording(emu, 'web');
    await emu.clock.advance(3_600_000);
    expect(emu.tasks()[0]).toMatchObject({ phase: 'exited', endReason: 'maxRecordingHour' });
    const stopped = emu.notifications().find((n) => n.eventType === 71)!;
    expect(stopped.payload.details).toMatchObject({ code: 1, message: 'max_recording_hour' });
  });

  test('the recorder uid itself does not count as a participant', async () => {
    emu.channel('room1').join('527841');
    await startRecording(emu, 'mix');
    await emu.clock.advance(30_000);
    expect(emu.tasks()[0]!.phase).toBe('exited');
  });

  test('event 42: one per recorded stream in individual mode, once for the mixed stream in mix mode', async () => {
    emu.channel('room1').join('1001');
    emu.channel('room1').join('1002');
    await startRecording(emu, 'individual', 'room1', '1');
    await startRecording(emu, 'mix', 'room1', '2');
    const slices = emu.notifications().filter((n) => n.eventType === 42);
    expect(slices.map((n) => [n.payload.uid, n.payload.details.streamUid, n.payload.details.mixedAllUser])).toEqual([
      ['1', '1001', false],
      ['1', '1002', false],
      ['2', '0', true],
    ]);
  });

  test('only the first 17 publishing uids are recorded (best practices)', async () => {
    for (let i = 1; i <= 18; i++) emu.channel('room1').join(String(1000 + i));
    await startRecording(emu, 'individual');
    expect(emu.tasks()[0]!.recordedUids).toHaveLength(17);
  });
});
