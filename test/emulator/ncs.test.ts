import { ncsNotificationSchema } from '../../src/agora/notifications';
import { verifyNcsSignature } from '../../src/agora/signature';
import { type Emulator } from '../../src/emulator';
import { api, startRecording, startTestEmulator } from '../support/emulator';
import { type Receiver, type Responder, startReceiver } from '../support/ncs-sink';

const SECRET = 'ncs-secret';

describe('NCS delivery (notifications page)', () => {
  let emu: Emulator;
  let rx: Receiver;
  async function setup(respond?: Responder, ncsTimeoutMs?: number) {
    rx = await startReceiver(respond);
    emu = await startTestEmulator({
      callbackUrl: rx.url,
      ncsSecret: SECRET,
      ...(ncsTimeoutMs ? { ncsTimeoutMs } : {}),
    });
  }
  /** Answers `status` to the first `count` requests carrying `eventType`, 200 otherwise. */
  function failFirst(eventType: number, count: number, status = 500): Responder {
    let seen = 0;
    return (_n, r) => (r.json.eventType === eventType && seen++ < count ? status : 200);
  }
  afterEach(async () => {
    await emu.close();
    await rx.close();
  });
  const types = () => rx.received.map((r) => r.json.eventType);

  test('a whole session: signed notifications in sequence order with the documented envelope', async () => {
    await setup();
    const r = await startRecording(emu, 'mix');
    emu.channel('room1').join('1001');
    await emu.clock.advance(60_000);
    await emu.clock.advance(60_000);
    await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    await emu.ncsIdle();
    // 40 recorder_started, 30 uploader_started, 42 slice start, 4 file infos, 3 status, 33 each minute,
    // 41 recorder_leave, 33 final progress, 31 uploaded, 11 session_exit.
    expect(types()).toEqual([40, 30, 42, 4, 3, 33, 33, 41, 33, 31, 11]);
    rx.received.forEach((n, i) => {
      expect(n.headers['content-type']).toBe('application/json');
      const ok = verifyNcsSignature(SECRET, n.raw, {
        signature: n.headers['agora-signature'] as string,
        signatureV2: n.headers['agora-signature-v2'] as string,
      });
      expect(ok).toBe(true);
      expect(verifyNcsSignature(SECRET, n.raw, { signature: n.headers['agora-signature'] as string })).toBe(true);
      expect(ncsNotificationSchema.safeParse(n.json).success).toBe(true);
      expect(n.json).toMatchObject({ productId: 3, notifyMs: expect.any(Number) as unknown });
      expect(n.json.payload).toMatchObject({
        cname: 'room1',
        uid: r.uid,
        sid: r.sid,
        sequence: i,
        sendts: expect.any(Number) as unknown,
        serviceType: expect.any(Number) as unknown,
        details: { msgName: expect.any(String) as unknown },
      });
    });
    const leave = rx.received.find((n) => n.json.eventType === 41)!;
    expect(leave.json.payload.details).toMatchObject({ leaveCode: 2 });
    const uploaded = rx.received.find((n) => n.json.eventType === 31)!;
    expect(uploaded.json.payload.details).toMatchObject({
      status: 0,
      fileList: [expect.objectContaining({ fileName: `rec/room1/${r.sid}_room1.m3u8` }) as unknown, expect.anything()],
    });
    expect(new Set(rx.received.map((n) => n.json.noticeId)).size).toBe(rx.received.length);
  });

  test('resend on non-200, same noticeId and a new notifyMs, until a 200', async () => {
    await setup(failFirst(40, 2));
    const r = await startRecording(emu, 'mix');
    await emu.ncsIdle(); // attempt 1 (500), immediate retry (500)
    await emu.clock.advance(1000); // second retry after 1 s
    await emu.ncsIdle();
    const first = rx.received.filter((n) => n.json.eventType === 40);
    expect(first).toHaveLength(3);
    expect(new Set(first.map((n) => n.json.noticeId)).size).toBe(1);
    expect(first[2]!.json.notifyMs - first[0]!.json.notifyMs).toBe(1000);
    expect(
      emu
        .deliveries()
        .filter((d) => d.sid === r.sid && d.eventType === 40)
        .map((d) => d.httpStatus),
    ).toEqual([500, 500, 200]);
  });

  test('gives up after 3 retries', async () => {
    await setup(() => 503);
    await startRecording(emu, 'mix');
    await emu.ncsIdle(); // attempt 1 and the immediate retry
    await emu.clock.advance(1000); // retry 2
    await emu.ncsIdle();
    await emu.clock.advance(3000); // retry 3
    await emu.ncsIdle();
    await emu.clock.advance(60_000); // nothing more
    await emu.ncsIdle();
    expect(types().filter((t) => t === 40)).toHaveLength(4);
    expect(types().filter((t) => t === 30)).toHaveLength(4);
  });

  test('no answer within the deadline (10 s, here 300 ms) counts as a failure and is resent', async () => {
    await setup((n) => (n === 0 ? 'hang' : 200), 300);
    await startRecording(emu, 'mix');
    await rx.waitFor(1);
    await emu.ncsIdle();
    // The retry is immediate but 30 was queued first.
    expect(types()).toEqual([40, 30, 40]);
    expect(emu.deliveries()[0]).toMatchObject({ eventType: 40, attempt: 1, error: 'timeout' });
  });

  test('fault ncsDrop: the notification is never delivered', async () => {
    await setup();
    emu.faults.add({ kind: 'ncsDrop', eventType: 40 });
    await startRecording(emu, 'mix');
    await emu.ncsIdle();
    expect(types()).toEqual([30]);
    expect(emu.notifications()[0]).toMatchObject({ eventType: 40, fate: 'dropped' });
  });

  test('fault ncsDuplicate: the same noticeId arrives twice', async () => {
    await setup();
    emu.faults.add({ kind: 'ncsDuplicate', eventType: 40, times: 1 });
    await startRecording(emu, 'mix');
    await emu.ncsIdle();
    expect(types()).toEqual([40, 40, 30]);
    expect(rx.received[0]!.json.noticeId).toBe(rx.received[1]!.json.noticeId);
  });

  test('fault ncsReorder: a notification arrives after the next one', async () => {
    await setup();
    emu.faults.add({ kind: 'ncsReorder', eventType: 40, times: 1 });
    await startRecording(emu, 'mix');
    await emu.ncsIdle();
    expect(types()).toEqual([30, 40]);
    expect(rx.received.map((n) => n.json.payload.sequence)).toEqual([1, 0]);
  });

  test('fault ncsDelay: delivered late, e.g. after the recording ended', async () => {
    await setup();
    emu.faults.add({ kind: 'ncsDelay', eventType: 40, ms: 90_000 });
    const r = await startRecording(emu, 'mix');
    await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    await emu.ncsIdle();
    expect(types()).toEqual([30, 41, 11]);
    await emu.clock.advance(90_000);
    await emu.ncsIdle();
    expect(types()).toEqual([30, 41, 11, 40]);
  });

  test('unsigned without an NCS secret; nothing sent without a callback URL', async () => {
    rx = await startReceiver();
    emu = await startTestEmulator({ callbackUrl: rx.url });
    await startRecording(emu, 'mix');
    await emu.ncsIdle();
    expect(rx.received[0]!.headers['agora-signature']).toBeUndefined();
    await emu.close();
    emu = await startTestEmulator();
    await startRecording(emu, 'mix');
    await emu.ncsIdle();
    expect(emu.notifications().map((n) => n.fate)).toEqual(['unsent', 'unsent']);
  });
});
