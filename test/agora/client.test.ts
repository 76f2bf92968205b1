/**
 * CloudRecordingClient over real HTTP: against the emulator for Agora's behaviour (every outcome the emulator can
 * produce), and against tiny stub servers for what the emulator must not do (bad bodies, Retry-After, codeless 5xx).
 */
import type { Emulator } from '../../src/emulator';
import { AgoraCancelledError, AgoraRequestError, AgoraSchemaError, AgoraTransportError } from '../../src/agora/errors';
import { CloudRecordingClient } from '../../src/agora/client';
import { parseRetryAfter } from '../../src/agora/transport';
import type { Endpoint } from '../../src/agora/outcomes';
import { cases, type Case } from '../support/outcome-cases';
import {
  APP_ID,
  BASIC_TOKEN,
  CUSTOMER_ID,
  Capture,
  closedPortUrl,
  json,
  mixClientRequest,
  startStub,
  startTestEmulator,
  testClient,
} from '../support/agora';

const UID = '4294967001';
let emu: Emulator;
let capture: Capture;
let client: CloudRecordingClient;
let seq = 0;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.faults.clear();
  capture = new Capture();
  client = testClient(emu.baseUrl, capture);
});
afterEach(() => {
  // Whatever a test did, nothing it logged or threw may carry a secret.
  expect(capture.leaks()).toEqual([]);
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A fresh channel with a publisher, acquired and started in mix mode. */
async function startedMix(opts: { publisher?: boolean } = {}) {
  const cname = `room${++seq}`;
  if (opts.publisher ?? true) emu.channel(cname).join('1001');
  const acquired = await client.acquire({ cname, uid: UID, clientRequest: {} });
  if (acquired.outcome !== 'ok') throw new Error(`acquire: ${acquired.outcome}`);
  const { resourceId } = acquired.body;
  const started = await client.start(resourceId, 'mix', { cname, uid: UID, clientRequest: mixClientRequest() });
  if (started.outcome !== 'ok') throw new Error(`start: ${started.outcome}`);
  await tick();
  await emu.clock.advance(1_000);
  return { cname, resourceId, sid: started.body.sid };
}

describe('against the emulator', () => {
  it('runs a mix recording: acquire, start, query, updateLayout, update, stop — each ok, with request ids', async () => {
    const { cname, resourceId, sid } = await startedMix();
    const q = await client.query(resourceId, sid, 'mix');
    expect(q).toMatchObject({ outcome: 'ok', httpStatus: 200, rowId: 'ok-200', attempts: 1, host: emu.baseUrl });
    if (q.outcome !== 'ok') throw new Error('unreachable');
    expect([4, 5]).toContain(q.body.serverResponse.status);
    expect(q.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const layout = await client.updateLayout(resourceId, sid, {
      cname,
      uid: UID,
      clientRequest: { mixedVideoLayout: 3, layoutConfig: [{ x_axis: 0, y_axis: 0, width: 1, height: 1 }] },
    });
    expect(layout.outcome).toBe('ok');
    const upd = await client.update(resourceId, sid, 'mix', {
      cname,
      uid: UID,
      clientRequest: { streamSubscribe: { audioUidList: { subscribeAudioUids: ['#allstream#'] } } },
    });
    expect(upd.outcome).toBe('ok');

    const stop = await client.stop(resourceId, sid, 'mix', { cname, uid: UID, clientRequest: {} });
    expect(stop).toMatchObject({ outcome: 'ok', httpStatus: 200 });
    if (stop.outcome !== 'ok') throw new Error('unreachable');
    expect(stop.body.serverResponse?.uploadingStatus).toBe('uploaded');

    // Basic auth from customer ID and secret; nothing else identifies us.
    const calls = emu.calls().filter((c) => c.sid === sid || c.resourceId === resourceId);
    expect(calls.map((c) => c.httpStatus)).toEqual([200, 200, 200, 200, 200]);
  });

  it('start repeated with the same resourceId → already-started (201/7)', async () => {
    const { cname, resourceId } = await startedMix();
    const again = await client.start(resourceId, 'mix', { cname, uid: UID, clientRequest: mixClientRequest() });
    expect(again).toMatchObject({ outcome: 'already-started', httpStatus: 201, code: 7, rowId: 'start-201-7' });
  });

  it('stop with nothing recorded → no-content (206/435); stop again → already-exiting (400/49); later → not-found', async () => {
    const { cname, resourceId, sid } = await startedMix({ publisher: false });
    const body = { cname, uid: UID, clientRequest: {} };
    expect(await client.stop(resourceId, sid, 'mix', body)).toMatchObject({
      outcome: 'no-content',
      httpStatus: 206,
      code: 435,
    });
    expect(await client.stop(resourceId, sid, 'mix', body)).toMatchObject({
      outcome: 'already-exiting',
      httpStatus: 400,
      code: 49,
    });
    await emu.clock.advance(61_000);
    expect(await client.stop(resourceId, sid, 'mix', body)).toMatchObject({
      outcome: 'not-found',
      httpStatus: 404,
      code: 404,
    });
  });

  it('an HA failover window: query and updateLayout → maybe-failover (404), then ok again', async () => {
    const { cname, resourceId, sid } = await startedMix();
    emu.failover(sid, 60_000);
    expect(await client.query(resourceId, sid, 'mix')).toMatchObject({
      outcome: 'maybe-failover',
      rowId: 'live-404-404',
    });
    const layout = { cname, uid: UID, clientRequest: { mixedVideoLayout: 1 as const } };
    expect(await client.updateLayout(resourceId, sid, layout)).toMatchObject({ outcome: 'maybe-failover' });
    await emu.clock.advance(61_000);
    expect(await client.query(resourceId, sid, 'mix')).toMatchObject({ outcome: 'ok' });
  });

  it('faults → retry-same-call (206/65, 504/62), re-acquire (500/502, 433), server-error (500/15)', async () => {
    const { resourceId, sid } = await startedMix();
    emu.faults.add({ kind: 'code65', endpoint: 'query', times: 1 });
    expect(await client.query(resourceId, sid, 'mix')).toMatchObject({
      outcome: 'retry-same-call',
      httpStatus: 206,
      code: 65,
    });
    emu.faults.add({
      kind: 'error',
      endpoint: 'query',
      httpStatus: 504,
      code: 62,
      reason: 'request timeout',
      times: 1,
    });
    expect(await client.query(resourceId, sid, 'mix')).toMatchObject({
      outcome: 'retry-same-call',
      rowId: 'live-504-62',
    });

    const cname = `room${++seq}`;
    const a = await client.acquire({ cname, uid: UID, clientRequest: {} });
    if (a.outcome !== 'ok') throw new Error('acquire');
    const startBody = { cname, uid: UID, clientRequest: mixClientRequest() };
    emu.faults.add({
      kind: 'error',
      endpoint: 'start',
      httpStatus: 500,
      code: 502,
      reason: 'Failed to allocate worker',
      times: 1,
    });
    expect(await client.start(a.body.resourceId, 'mix', startBody)).toMatchObject({ outcome: 're-acquire', code: 502 });
    emu.faults.add({ kind: 'error', endpoint: 'start', httpStatus: 500, code: 15, times: 1 });
    expect(await client.start(a.body.resourceId, 'mix', startBody)).toMatchObject({
      outcome: 'server-error',
      attempts: 1,
    });
    await emu.clock.advance(5 * 60_000 + 1);
    expect(await client.start(a.body.resourceId, 'mix', startBody)).toMatchObject({ outcome: 're-acquire', code: 433 });
  });

  it('a second task for the same cname+uid → invalid-request (400/53); an unknown resourceId → re-acquire (1001)', async () => {
    const { cname } = await startedMix();
    const a = await client.acquire({ cname, uid: UID, clientRequest: {} });
    if (a.outcome !== 'ok') throw new Error('acquire');
    const body = { cname, uid: UID, clientRequest: mixClientRequest() };
    expect(await client.start(a.body.resourceId, 'mix', body)).toMatchObject({ outcome: 'invalid-request', code: 53 });
    expect(await client.start('no-such-resource', 'mix', body)).toMatchObject({ outcome: 're-acquire', code: 1001 });
  });

  it('acquire over the concurrency quota → quota-exceeded (400/406)', async () => {
    const small = await startTestEmulator({ concurrencyQuota: 1 });
    try {
      const c = testClient(small.baseUrl, capture);
      small.channel('q1').join('1001');
      const a = await c.acquire({ cname: 'q1', uid: UID, clientRequest: {} });
      if (a.outcome !== 'ok') throw new Error('acquire');
      await c.start(a.body.resourceId, 'mix', { cname: 'q1', uid: UID, clientRequest: mixClientRequest() });
      expect(await c.acquire({ cname: 'q2', uid: UID, clientRequest: {} })).toMatchObject({
        outcome: 'quota-exceeded',
        httpStatus: 400,
        code: 406,
      });
    } finally {
      await small.close();
    }
  });

  it('bad credentials → auth-failed (401); wrong App ID → auth-failed (400 "appid is invalid"); bad cname → invalid-request', async () => {
    const wrong = new CloudRecordingClient({
      appId: APP_ID,
      customerId: CUSTOMER_ID,
      customerSecret: 'not-the-secret',
      baseUrl: emu.baseUrl,
    });
    expect(await wrong.acquire({ cname: 'x', uid: UID, clientRequest: {} })).toMatchObject({
      outcome: 'auth-failed',
      httpStatus: 401,
      reason: 'Invalid authentication credentials',
    });
    const otherApp = testClient(emu.baseUrl, capture, { appId: 'ffffffffffffffffffffffffffffffff' });
    expect(await otherApp.acquire({ cname: 'x', uid: UID, clientRequest: {} })).toMatchObject({
      outcome: 'auth-failed',
      rowId: 'any-400-appid',
    });
    expect(await client.acquire({ cname: 'bad/name*', uid: UID, clientRequest: {} })).toMatchObject({
      outcome: 'invalid-request',
      code: 401,
    });
  });

  it('429 → rate-limited with the default back-off (no Retry-After), never slept on', async () => {
    emu.faults.add({ kind: 'rateLimit', endpoint: 'acquire', times: 1 });
    const t0 = Date.now();
    const answer = await client.acquire({ cname: 'rl', uid: UID, clientRequest: {} });
    expect(answer).toMatchObject({ outcome: 'rate-limited', httpStatus: 429, retryAfterMs: 1_000, attempts: 1 });
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it('the real QPS limit of the emulator answers 429 and the client surfaces it', async () => {
    const limited = await startTestEmulator({ qpsLimit: 2 });
    try {
      const c = testClient(limited.baseUrl, capture);
      const answers = await Promise.all(
        [1, 2, 3, 4].map((i) => c.acquire({ cname: `qps${i}`, uid: UID, clientRequest: {} })),
      );
      expect(answers.filter((a) => a.outcome === 'rate-limited').length).toBeGreaterThanOrEqual(2);
      expect(answers.filter((a) => a.outcome === 'ok').length).toBe(2);
    } finally {
      await limited.close();
    }
  });

  it('with requestsPerSecond set, a burst waits client-side instead of drawing 429s from the real QPS limit', async () => {
    const limited = await startTestEmulator({ qpsLimit: 3 });
    try {
      const c = testClient(limited.baseUrl, capture, { requestsPerSecond: 3 });
      const t0 = Date.now();
      // Queries (of sessions that do not exist): an acquire would also hold a slot for its start (rate-limiter.ts).
      const answers = await Promise.all(
        [1, 2, 3, 4, 5, 6, 7].map((i) => c.query(`rid-burst-${i}`, `sid-burst-${i}`, 'mix')),
      );
      expect(answers.map((a) => a.httpStatus)).toEqual(Array(7).fill(404));
      // 7 requests at 3 per 1.1 s window: the last waits for the third window.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(2_200);
      expect(limited.calls().filter((call) => call.httpStatus === 429)).toHaveLength(0);
    } finally {
      await limited.close();
    }
  });

  it('a call whose budget runs out while it waits for the rate limit is never sent, and leaves its slot', async () => {
    // The wait counts against the activity's budget (start-to-close): a start or stop sent after its caller gave up
    // could take effect at Agora while the activity reports it failed, and would take a slot a live call needs.
    const stub = await startStub((_req, _body, res) => {
      json(res, 404, { code: 404, reason: 'failed to find worker' });
    });
    try {
      const c = testClient(stub.baseUrl, capture, { requestsPerSecond: 1 });
      const t0 = Date.now();
      const first = c.query('rid-first', 'sid-first', 'mix');
      const late = c.query('rid-late', 'sid-late', 'mix', { budgetMs: 300 }).then(
        () => undefined,
        (e: unknown) => ({ error: e, after: Date.now() - t0 }),
      );
      const next = c
        .query('rid-next', 'sid-next', 'mix')
        .then((a) => ({ status: a.httpStatus, after: Date.now() - t0 }));
      expect((await first).httpStatus).toBe(404);
      const failed = await late;
      expect(failed?.error).toBeInstanceOf(AgoraTransportError);
      expect((failed?.error as AgoraTransportError).details).toMatchObject({
        endpoint: 'query',
        errno: 'ERATELIMITWAIT',
      });
      expect((failed?.error as AgoraTransportError).timedOut).toBe(false); // not sent: it cannot have reached Agora
      expect(failed!.after).toBeLessThan(1_000);
      // The next call takes the second window's slot, not the third's.
      const answered = await next;
      expect(answered.status).toBe(404);
      expect(answered.after).toBeLessThan(2_000);
      expect(stub.requests.map((r) => r.url.split('/')[6])).toEqual(['rid-first', 'rid-next']);
    } finally {
      await stub.close();
    }
  });

  it('a stop that takes 20 s succeeds (stop timeout 25 s)', async () => {
    const { cname, resourceId, sid } = await startedMix();
    emu.faults.add({ kind: 'latency', endpoint: 'stop', ms: 20_000, realTime: true, times: 1 });
    const t0 = Date.now();
    const stop = await client.stop(resourceId, sid, 'mix', { cname, uid: UID, clientRequest: {} });
    expect(stop).toMatchObject({ outcome: 'ok', attempts: 1 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(19_900);
  }, 60_000);

  it('a request slower than its endpoint timeout is a transport error (ETIMEDOUT), not a hang', async () => {
    const { resourceId, sid } = await startedMix();
    emu.faults.add({ kind: 'latency', endpoint: 'query', ms: 2_000, realTime: true });
    const fast = testClient(emu.baseUrl, capture, { timeoutsMs: { query: 300 }, maxAttempts: 2 });
    const err = await capture.rejection(fast.query(resourceId, sid, 'mix', { budgetMs: 5_000 }));
    expect(err).toBeInstanceOf(AgoraTransportError);
    expect((err as AgoraTransportError).details).toMatchObject({ errno: 'ETIMEDOUT', attempts: 2, endpoint: 'query' });
    expect((err as AgoraTransportError).timedOut).toBe(true);
  });

  it('a dropped connection after the work was done: the retry sees already-started', async () => {
    const cname = `room${++seq}`;
    const a = await client.acquire({ cname, uid: UID, clientRequest: {} });
    if (a.outcome !== 'ok') throw new Error('acquire');
    emu.faults.add({ kind: 'drop', endpoint: 'start', times: 1 });
    const answer = await client.start(a.body.resourceId, 'mix', { cname, uid: UID, clientRequest: mixClientRequest() });
    // The first attempt's socket was destroyed (ECONNRESET); the failover attempt (same base URL) gets 201/7.
    expect(answer).toMatchObject({ outcome: 'already-started', attempts: 2 });
  });

  it('cancellation through AbortSignal: an in-flight call rejects with AgoraCancelledError (name AbortError)', async () => {
    const { resourceId, sid } = await startedMix();
    emu.faults.add({ kind: 'latency', endpoint: 'query', ms: 5_000, realTime: true, times: 1 });
    const ac = new AbortController();
    setTimeout(() => {
      ac.abort();
    }, 200);
    const t0 = Date.now();
    const err = await capture.rejection(client.query(resourceId, sid, 'mix', { signal: ac.signal }));
    expect(err).toBeInstanceOf(AgoraCancelledError);
    expect((err as Error).name).toBe('AbortError');
    expect(Date.now() - t0).toBeLessThan(2_000);
    const pre = new AbortController();
    pre.abort();
    expect(await capture.rejection(client.query(resourceId, sid, 'mix', { signal: pre.signal }))).toBeInstanceOf(
      AgoraCancelledError,
    );
  });

  it('an invalid request is refused before sending, naming the field and never its value', async () => {
    emu.clearCalls();
    const req = mixClientRequest();
    const bad = {
      ...req,
      recordingConfig: {
        ...req.recordingConfig,
        transcodingConfig: {
          mixedVideoLayout: 3 as const,
          layoutConfig: [{ x_axis: 2, y_axis: 0, width: 1, height: 1 }],
        },
      },
    };
    const err = await capture.rejection(client.start('r', 'mix', { cname: 'c', uid: UID, clientRequest: bad }));
    expect(err).toBeInstanceOf(AgoraRequestError);
    expect((err as Error).message).toContain('clientRequest.recordingConfig.transcodingConfig.layoutConfig[0].x_axis');
    const uid0 = await capture.rejection(client.acquire({ cname: 'c', uid: '0', clientRequest: {} }));
    expect((uid0 as Error).message).toContain('uid:');
    const modeErr = await capture.rejection(client.start('r', 'web', { cname: 'c', uid: UID, clientRequest: req }));
    expect((modeErr as Error).message).toContain('clientRequest.extensionServiceConfig');
    expect(emu.calls()).toEqual([]);
  });
});

/** Calls `endpoint` with valid arguments (the session need not exist: the answers here are injected). */
function callEndpoint(c: CloudRecordingClient, endpoint: Endpoint) {
  const body = { cname: 'c', uid: UID, clientRequest: {} };
  switch (endpoint) {
    case 'acquire':
      return c.acquire(body);
    case 'start':
      return c.start('r', 'mix', { ...body, clientRequest: mixClientRequest() });
    case 'query':
      return c.query('r', 's', 'mix');
    case 'update':
      return c.update('r', 's', 'mix', body);
    case 'updateLayout':
      return c.updateLayout('r', 's', body);
    case 'stop':
      return c.stop('r', 's', 'mix', body);
  }
}

/** The emulator can answer any status 200..599 as `{code, reason}` or `{message}`; the rest needs a stub. */
function emulatorCanAnswer(c: Case): boolean {
  return c.outcome !== 'ok' && c.status >= 200 && c.status <= 599;
}

describe('every row of the outcome table, over real HTTP', () => {
  it.each(cases)('$endpoint $status $body → $outcome (row $row)', async (c) => {
    const facts = c.body as { code?: unknown; reason?: string; message?: string } | undefined;
    if (emulatorCanAnswer(c)) {
      const code = typeof facts?.code === 'number' ? facts.code : undefined;
      emu.faults.add(
        code === undefined && facts?.message !== undefined
          ? { kind: 'error', endpoint: c.endpoint, httpStatus: c.status, message: facts.message }
          : {
              kind: 'error',
              endpoint: c.endpoint,
              httpStatus: c.status,
              ...(code === undefined ? {} : { code }),
              ...(facts?.reason === undefined ? {} : { reason: facts.reason }),
            },
      );
      const answer = await callEndpoint(client, c.endpoint);
      expect(answer).toMatchObject({ outcome: c.outcome, httpStatus: c.status, rowId: c.row, host: emu.baseUrl });
      return;
    }
    const stub = await startStub((_req, _body, res) => {
      res.writeHead(c.status, { 'Content-Type': 'application/json' });
      res.end(c.body === undefined ? undefined : JSON.stringify(c.body));
    });
    try {
      const answer = await callEndpoint(testClient(stub.baseUrl, capture), c.endpoint);
      expect(answer).toMatchObject({ outcome: c.outcome, httpStatus: c.status, rowId: c.row });
    } finally {
      await stub.close();
    }
  });
});

describe('domain failover (best practices)', () => {
  it('fails over to the next base URL when the first refuses connections, and keeps using it', async () => {
    const closed = await closedPortUrl();
    const c = testClient([closed, emu.baseUrl], capture);
    const answer = await c.acquire({ cname: 'fo1', uid: UID, clientRequest: {} });
    expect(answer).toMatchObject({ outcome: 'ok', host: emu.baseUrl, attempts: 2 });
    expect(c.currentBaseUrl).toBe(emu.baseUrl);
    const second = await c.acquire({ cname: 'fo2', uid: UID, clientRequest: {} });
    expect(second).toMatchObject({ outcome: 'ok', attempts: 1 });
    expect(capture.lines.some((l) => l.includes('ECONNREFUSED') && l.includes('failing over'))).toBe(true);
  });

  it('fails over when the first name does not resolve (DNS failure; .invalid never resolves, RFC 2606)', async () => {
    const c = testClient(['http://agora-recording-test.invalid', emu.baseUrl], capture);
    expect(await c.acquire({ cname: 'fo-dns', uid: UID, clientRequest: {} })).toMatchObject({
      outcome: 'ok',
      attempts: 2,
    });
    expect(capture.lines.some((l) => /"errno":"(ENOTFOUND|EAI_AGAIN)"/.test(l))).toBe(true);
  });

  it('fails over on a 5xx without an Agora code (a gateway failing), not on a 5xx with one', async () => {
    const gateway = await startStub((_req, _body, res) => {
      json(res, 503, '<html>Service Unavailable</html>');
    });
    try {
      const c = testClient([gateway.baseUrl, emu.baseUrl], capture);
      expect(await c.acquire({ cname: 'fo3', uid: UID, clientRequest: {} })).toMatchObject({
        outcome: 'ok',
        attempts: 2,
      });
      const only = testClient([gateway.baseUrl], capture, { maxAttempts: 2 });
      expect(await only.acquire({ cname: 'fo4', uid: UID, clientRequest: {} })).toMatchObject({
        outcome: 'server-error',
        httpStatus: 503,
        attempts: 2,
      });
      expect(gateway.requests).toHaveLength(3);
    } finally {
      await gateway.close();
    }
    const coded = await startStub((_req, _body, res) => {
      json(res, 500, { code: 502, reason: 'Failed to allocate worker' });
    });
    try {
      const c = testClient([coded.baseUrl, emu.baseUrl], capture);
      expect(await c.start('r', 'mix', { cname: 'c', uid: UID, clientRequest: mixClientRequest() })).toMatchObject({
        outcome: 're-acquire',
        attempts: 1,
      });
    } finally {
      await coded.close();
    }
  });

  it('no domain answers → AgoraTransportError after maxAttempts, naming the errno', async () => {
    const c = testClient([await closedPortUrl(), await closedPortUrl()], capture, { maxAttempts: 3 });
    const err = await capture.rejection(c.acquire({ cname: 'x', uid: UID, clientRequest: {} }));
    expect(err).toBeInstanceOf(AgoraTransportError);
    expect((err as AgoraTransportError).details).toMatchObject({ errno: 'ECONNREFUSED', attempts: 3 });
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('without a base URL, the first domain is the area primary (US: api-us-west-1.agora.io)', () => {
    const c = new CloudRecordingClient({ appId: APP_ID, customerId: CUSTOMER_ID, customerSecret: 'x'.repeat(8) });
    expect(c.currentBaseUrl).toBe('https://api-us-west-1.agora.io');
    const cn = new CloudRecordingClient({
      appId: APP_ID,
      customerId: CUSTOMER_ID,
      customerSecret: 'x'.repeat(8),
      area: 'CN',
    });
    expect(cn.currentBaseUrl).toBe('https://api-cn-east-1.sd-rtn.com');
  });
});

describe('against stub servers', () => {
  it('429 with Retry-After (seconds or HTTP date) surfaces the delay, capped', async () => {
    const headers = ['2', new Date(Date.now() + 5_000).toUTCString(), '3600'];
    let i = 0;
    const stub = await startStub((_req, _body, res) => {
      json(res, 429, { message: 'API rate limit exceeded' }, { 'Retry-After': headers[i++]! });
    });
    try {
      const c = testClient(stub.baseUrl, capture, { maxRetryAfterMs: 30_000 });
      const body = { cname: 'x', uid: UID, clientRequest: {} };
      expect(await c.acquire(body)).toMatchObject({ outcome: 'rate-limited', retryAfterMs: 2_000 });
      const dated = await c.acquire(body);
      expect(dated.retryAfterMs).toBeGreaterThan(2_000);
      expect(dated.retryAfterMs).toBeLessThanOrEqual(5_000);
      expect(await c.acquire(body)).toMatchObject({ retryAfterMs: 30_000 });
    } finally {
      await stub.close();
    }
  });

  it('sends Basic auth from the customer ID and secret, JSON, on the documented paths', async () => {
    const stub = await startStub((_req, _body, res) => {
      json(res, 200, { resourceId: 'r', sid: 's', serverResponse: {} });
    });
    try {
      const c = testClient(stub.baseUrl, capture);
      await c.query('r/1', 's 2', 'individual');
      await c.stop('r', 's', 'web', { cname: 'c', uid: UID, clientRequest: { async_stop: true } });
      expect(stub.requests[0]).toMatchObject({
        method: 'GET',
        url: `/v1/apps/${APP_ID}/cloud_recording/resourceid/r%2F1/sid/s%202/mode/individual/query`,
      });
      expect(stub.requests[0]!.headers.authorization).toBe(`Basic ${BASIC_TOKEN}`);
      expect(stub.requests[1]).toMatchObject({
        method: 'POST',
        url: `/v1/apps/${APP_ID}/cloud_recording/resourceid/r/sid/s/mode/web/stop`,
      });
      expect(stub.requests[1]!.headers['content-type']).toMatch(/^application\/json/);
    } finally {
      await stub.close();
    }
  });

  it('a schema-invalid 200 body is a clear AgoraSchemaError naming the field (with the request id)', async () => {
    const bodies: unknown[] = [
      { cname: 'c', uid: UID, resourceId: 42 },
      { resourceId: 'r', sid: 's', serverResponse: { uploadingStatus: 'done' } },
      'this is not json',
    ];
    let i = 0;
    const stub = await startStub((_req, _body, res) => {
      json(res, 200, bodies[i++], { 'X-Request-ID': `req-${i}` });
    });
    try {
      const c = testClient(stub.baseUrl, capture);
      const e1 = await capture.rejection(c.acquire({ cname: 'c', uid: UID, clientRequest: {} }));
      expect(e1).toBeInstanceOf(AgoraSchemaError);
      expect((e1 as Error).message).toMatch(/^Agora acquire answered 200 with an invalid body: resourceId: /);
      expect((e1 as AgoraSchemaError).details).toMatchObject({
        requestId: 'req-1',
        httpStatus: 200,
        endpoint: 'acquire',
      });
      const e2 = await capture.rejection(c.stop('r', 's', 'mix', { cname: 'c', uid: UID, clientRequest: {} }));
      expect((e2 as AgoraSchemaError).issues[0]).toMatch(/^serverResponse\.uploadingStatus: /);
      const e3 = await capture.rejection(c.query('r', 's', 'mix'));
      expect((e3 as Error).message).toContain('not JSON');
    } finally {
      await stub.close();
    }
  });

  it('an error body that is not JSON still gets its outcome from the status', async () => {
    const stub = await startStub((_req, _body, res) => {
      json(res, 404, '<html>not found</html>');
    });
    try {
      const c = testClient(stub.baseUrl, capture);
      expect(await c.query('r', 's', 'mix')).toMatchObject({
        outcome: 'invalid-request',
        rowId: 'any-404-none',
        body: {},
      });
    } finally {
      await stub.close();
    }
  });

  it('keeps the sid a repeated start echoes (REST overview shape 3)', async () => {
    const stub = await startStub((_req, _body, res) => {
      json(res, 201, { code: 7, reason: 'already started', sid: 'sid-echo' });
    });
    try {
      const c = testClient(stub.baseUrl, capture);
      const answer = await c.start('r', 'mix', { cname: 'c', uid: UID, clientRequest: mixClientRequest() });
      expect(answer).toMatchObject({ outcome: 'already-started', body: { sid: 'sid-echo' } });
    } finally {
      await stub.close();
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates; rejects junk', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
