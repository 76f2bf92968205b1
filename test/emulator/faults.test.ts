import http from 'node:http';
import { type Emulator } from '../../src/emulator';
import { api, arrived, basic, clientRequests, prefix, startRecording, startTestEmulator } from '../support/emulator';

/** A raw request that reports a dropped connection instead of rejecting. */
function rawAcquire(emu: Emulator): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      new URL(`${prefix()}/acquire`, emu.baseUrl),
      { method: 'POST', agent: false, headers: { Authorization: basic(), 'Content-Type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0 });
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      resolve({ error: err.code ?? err.message });
    });
    req.end(JSON.stringify({ cname: 'room1', uid: '1', clientRequest: {} }));
  });
}

describe('fault injection', () => {
  let emu: Emulator;
  beforeEach(async () => (emu = await startTestEmulator()));
  afterEach(() => emu.close());

  test('latency on the emulator clock delays the answer', async () => {
    emu.faults.add({ kind: 'latency', endpoint: 'acquire', ms: 20_000, times: 1 });
    let answered = false;
    const pending = api(emu)
      .acquire('room1', '1')
      .finally(() => (answered = true));
    await arrived(emu, 'acquire');
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    await emu.clock.advance(20_000);
    expect((await pending).status).toBe(200);
  });

  test('a 20 s stop: the recording ends at once but the answer comes 20 s later', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix');
    emu.faults.add({ kind: 'latency', endpoint: 'stop', ms: 20_000 });
    const pending = api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    await arrived(emu, 'stop');
    await emu.clock.advance(20_000);
    const s = await pending;
    expect(s.status).toBe(200);
    expect(emu.calls().at(-1)).toMatchObject({ endpoint: 'stop', httpStatus: 200 });
    expect(emu.calls().at(-1)!.answeredAt! - emu.calls().at(-1)!.at).toBe(20_000);
  });

  test('5xx with a code, for `times` requests, then normal', async () => {
    emu.faults.add({ kind: 'error', endpoint: 'acquire', httpStatus: 500, code: 501, reason: 'x', times: 2 });
    expect((await api(emu).acquire('room1', '1')).body).toEqual({ code: 501, reason: 'x' });
    expect((await api(emu).acquire('room1', '1')).status).toBe(500);
    expect((await api(emu).acquire('room1', '1')).status).toBe(200);
  });

  test('a gateway-style 503 with a message', async () => {
    emu.faults.add({ kind: 'error', endpoint: 'any', httpStatus: 503, message: 'Service Unavailable', times: 1 });
    const r = await api(emu).acquire('room1', '1');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ message: 'Service Unavailable' });
  });

  test('a schema-invalid 200 body, and a body that is not JSON', async () => {
    emu.faults.add({ kind: 'error', endpoint: 'acquire', httpStatus: 200, body: { cname: 'room1' }, times: 1 });
    emu.faults.add({
      kind: 'error',
      endpoint: 'acquire',
      httpStatus: 502,
      rawBody: '<html>bad gateway</html>',
      times: 1,
    });
    const first = await api(emu).acquire('room1', '1');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ cname: 'room1' });
    await expect(api(emu).acquire('room1', '1')).rejects.toThrow(SyntaxError);
    expect(emu.calls().map((c) => c.httpStatus)).toEqual([200, 502]);
  });

  test('206 code 65 without commit: nothing started, the retry succeeds', async () => {
    const acq = await api(emu).acquire('room1', '1');
    emu.faults.add({ kind: 'code65', endpoint: 'start', times: 1 });
    const rid = acq.body.resourceId as string;
    const first = await api(emu).start(rid, 'mix', 'room1', '1', clientRequests.mix());
    expect(first.status).toBe(206);
    expect(first.body).toEqual({ code: 65, reason: 'request not completed' });
    expect(emu.tasks()).toHaveLength(0);
    expect((await api(emu).start(rid, 'mix', 'room1', '1', clientRequests.mix())).status).toBe(200);
  });

  test('206 code 65 with commit: the start happened, the retry gets 201 code 7', async () => {
    const acq = await api(emu).acquire('room1', '1');
    emu.faults.add({ kind: 'code65', endpoint: 'start', times: 1, commit: true });
    const rid = acq.body.resourceId as string;
    expect((await api(emu).start(rid, 'mix', 'room1', '1', clientRequests.mix())).status).toBe(206);
    expect(emu.tasks()).toHaveLength(1);
    expect(emu.calls().at(-1)).toMatchObject({ httpStatus: 206, code: 65, committed: { httpStatus: 200 } });
    const retry = await api(emu).start(rid, 'mix', 'room1', '1', clientRequests.mix());
    expect(retry.status).toBe(201);
    expect(retry.body.code).toBe(7);
  });

  test('404 for N seconds (failover), then normal', async () => {
    emu.channel('room1').join('1001'); // else the recorder would idle out within the window
    const r = await startRecording(emu, 'mix');
    emu.faults.add({ kind: 'notFound', endpoint: 'query', forMs: 60_000 });
    const during = await api(emu).query(r.resourceId, r.sid, 'mix');
    expect(during.status).toBe(404);
    expect(during.body).toEqual({ code: 404, reason: 'failed to find worker' });
    await emu.clock.advance(60_000);
    expect((await api(emu).query(r.resourceId, r.sid, 'mix')).status).toBe(200);
  });

  test('task failover: query/update/stop 404 for the window, then event 12 with a new uid', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix');
    emu.failover(r.sid, 30_000);
    expect((await api(emu).query(r.resourceId, r.sid, 'mix')).status).toBe(404);
    expect((await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid)).status).toBe(404);
    await emu.clock.advance(30_000);
    const failover = emu.notifications().find((n) => n.eventType === 12)!;
    expect(failover.payload.details).toMatchObject({
      msgName: 'session_failover',
      newUid: expect.any(Number) as unknown,
    });
    expect((await api(emu).query(r.resourceId, r.sid, 'mix')).status).toBe(200);
  });

  test.each([
    [49, false],
    [49, true],
    [50, false],
    [50, true],
  ])(
    'a stop fault with code %i (commit %s) does not apply during a failover: no recorder to say it',
    async (code, commit) => {
      emu.channel('room1').join('1001');
      const r = await startRecording(emu, 'mix');
      emu.failover(r.sid, 30_000);
      emu.faults.add({ kind: 'error', endpoint: 'stop', httpStatus: 400, code, reason: 'x', commit, times: 1 });
      const during = await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
      expect([during.status, during.body]).toEqual([404, { code: 404, reason: 'failed to find worker' }]);
      expect(emu.calls().at(-1)).toMatchObject({ suppressedFault: 'error' });
      await emu.clock.advance(30_000);
      // The rule is spent, and the task is back recording: the next stop takes.
      expect((await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid)).status).toBe(200);
    },
  );

  test('a stop fault with code 50 applies outside a failover: the stop took, its answer says upload timeout', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix');
    emu.faults.add({ kind: 'error', endpoint: 'stop', httpStatus: 400, code: 50, reason: 'x', commit: true, times: 1 });
    const answer = await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    expect([answer.status, (answer.body as { code: number }).code]).toEqual([400, 50]);
    expect(emu.tasks()[0]!.phase).not.toBe('recording');
  });

  test('commit-then-drop: the start is applied, the socket closes without an answer', async () => {
    const acq = await api(emu).acquire('room1', '1');
    const rid = acq.body.resourceId as string;
    emu.faults.add({ kind: 'drop', endpoint: 'start', times: 1 });
    await expect(api(emu).start(rid, 'mix', 'room1', '1', clientRequests.mix())).rejects.toThrow(/socket hang up/);
    expect(emu.tasks()).toHaveLength(1);
    expect(emu.calls().at(-1)).toMatchObject({
      endpoint: 'start',
      httpStatus: null,
      fault: 'drop',
      committed: { httpStatus: 200 },
    });
    const retry = await api(emu).start(rid, 'mix', 'room1', '1', clientRequests.mix());
    expect(retry.status).toBe(201);
    expect(retry.body.code).toBe(7);
  });

  test('drop without commit: nothing applied', async () => {
    emu.faults.add({ kind: 'drop', endpoint: 'acquire', times: 1, commit: false });
    expect(await rawAcquire(emu)).toEqual({ error: 'ECONNRESET' });
    expect(await rawAcquire(emu)).toEqual({ status: 200 });
  });

  test('a 429 burst', async () => {
    emu.faults.add({ kind: 'rateLimit', endpoint: 'any', times: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api(emu).acquire('room1', '1')).status);
    expect(statuses).toEqual([429, 429, 429, 200]);
  });

  test('a 429 with Retry-After only when the fault asks for one (the reference documents none)', async () => {
    emu.faults.add({ kind: 'rateLimit', times: 1 });
    emu.faults.add({ kind: 'rateLimit', times: 1, retryAfterS: 2 });
    const plain = await api(emu).acquire('room1', '1');
    expect(plain.status).toBe(429);
    expect(plain.headers['retry-after']).toBeUndefined();
    const withHeader = await api(emu).acquire('room1', '1');
    expect(withHeader.status).toBe(429);
    expect(withHeader.headers['retry-after']).toBe('2');
  });

  test('probability: a seeded share of calls fail', async () => {
    emu.faults.add({ kind: 'error', endpoint: 'acquire', httpStatus: 500, probability: 0.3 });
    const statuses = [];
    for (let i = 0; i < 40; i++) statuses.push((await api(emu).acquire('room1', '1')).status);
    const failed = statuses.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(4);
    expect(failed).toBeLessThan(24);
  });

  test('upload outcome backuped: stop says backuped, 32 then 31 later', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix');
    emu.faults.add({ kind: 'upload', outcome: 'backuped', forwardAfterMs: 120_000 });
    const s = await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    expect(s.body.serverResponse).toMatchObject({ uploadingStatus: 'backuped' });
    const types = () => emu.notifications().map((n) => n.eventType);
    expect(types()).toContain(32);
    expect(types()).not.toContain(31);
    await emu.clock.advance(120_000);
    expect(types().at(-1)).toBe(31);
    expect(emu.tasks()[0]!.uploadingStatus).toBe('uploaded');
  });

  test('upload outcome unknown: event 1 from the uploader, stop says unknown', async () => {
    emu.channel('room1').join('1001');
    const r = await startRecording(emu, 'mix');
    emu.faults.add({ kind: 'upload', outcome: 'unknown' });
    const s = await api(emu).stop(r.resourceId, r.sid, 'mix', r.cname, r.uid);
    expect(s.body.serverResponse).toMatchObject({ uploadingStatus: 'unknown' });
    const err = emu.notifications().find((n) => n.eventType === 1)!;
    expect(err.payload.details).toMatchObject({ module: 1, errorCode: 47 });
  });

  test('faults can be listed, removed and cleared; a malformed rule is rejected', () => {
    const id = emu.faults.add({ kind: 'notFound', endpoint: 'query' });
    emu.faults.add({ kind: 'rateLimit' });
    expect(emu.faults.list().map((f) => f.id)).toEqual([id, id + 1]);
    emu.faults.remove(id);
    expect(emu.faults.list()).toHaveLength(1);
    emu.faults.clear();
    expect(emu.faults.list()).toHaveLength(0);
    expect(() => emu.faults.add({ kind: 'latency', ms: -1 })).toThrow();
  });
});
