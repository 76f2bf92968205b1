import { type Emulator } from '../../src/emulator';
import { basic, call, CREDS, prefix, startTestEmulator } from '../support/emulator';

const acquireBody = { cname: 'room1', uid: '527841', clientRequest: {} };

describe('gateway rules (authentication page, REST overview, best practices, status codes)', () => {
  let emu: Emulator;
  beforeEach(async () => (emu = await startTestEmulator()));
  afterEach(() => emu.close());

  test('no Authorization header → 401 Unauthorized', async () => {
    const r = await call(emu, 'POST', `${prefix()}/acquire`, acquireBody, { authorization: null });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ message: 'Unauthorized' });
  });

  test('wrong secret → 401 Invalid authentication credentials', async () => {
    const r = await call(emu, 'POST', `${prefix()}/acquire`, acquireBody, { authorization: basic('cust-id', 'x') });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ message: 'Invalid authentication credentials' });
  });

  test('malformed header (no Basic scheme) → 401 Invalid authentication credentials', async () => {
    const token = Buffer.from(`${CREDS.customerId}:${CREDS.customerSecret}`).toString('base64');
    const r = await call(emu, 'POST', `${prefix()}/acquire`, acquireBody, { authorization: token });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ message: 'Invalid authentication credentials' });
  });

  test('the Basic scheme is case-insensitive', async () => {
    const lower = basic().replace('Basic', 'basic');
    const r = await call(emu, 'POST', `${prefix()}/acquire`, acquireBody, { authorization: lower });
    expect(r.status).toBe(200);
  });

  test('unknown path → 404 no Route matched', async () => {
    const r = await call(emu, 'POST', `/v1/apps/${CREDS.appId}/cloud_recordin/acquire`, acquireBody);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ message: 'no Route matched with those values' });
  });

  test('wrong method → 404 no Route matched', async () => {
    const r = await call(emu, 'GET', `${prefix()}/acquire`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ message: 'no Route matched with those values' });
  });

  test('paths are case sensitive (REST overview)', async () => {
    const r = await call(emu, 'POST', `/v1/apps/${CREDS.appId}/cloud_recording/Acquire`, acquireBody);
    expect(r.status).toBe(404);
  });

  test('another App ID → 400 appid is invalid', async () => {
    const r = await call(emu, 'POST', `${prefix('someotherapp')}/acquire`, acquireBody);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ message: 'appid is invalid' });
  });

  test('wrong Content-Type → 400 code 8', async () => {
    const r = await call(emu, 'POST', `${prefix()}/acquire`, acquireBody, { contentType: 'text/plain' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(8);
  });

  test('body that is not JSON → 400 code 8', async () => {
    const r = await call(emu, 'POST', `${prefix()}/acquire`, undefined, { raw: '{"cname": ' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(8);
  });

  test('NCS IP list (NCS IP page): Basic auth, hosts with primaryIP', async () => {
    const r = await call(emu, 'GET', '/v1/ncs/ip');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { service: { hosts: [{ primaryIP: '127.0.0.1' }] } } });
    expect((await call(emu, 'GET', '/v2/ncs/ip', undefined, { authorization: null })).status).toBe(401);
  });

  test('answers are JSON with a request id header', async () => {
    const r = await call(emu, 'POST', `${prefix()}/acquire`, acquireBody);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('rate limit (best practices)', () => {
  let emu: Emulator;
  beforeEach(async () => (emu = await startTestEmulator({ qpsLimit: 10 })));
  afterEach(() => emu.close());

  test('more than 10 requests/s per App ID → 429 API rate limit exceeded', async () => {
    // Concurrent, so all 12 land well inside one real second even on a loaded machine.
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => call(emu, 'POST', `${prefix()}/acquire`, acquireBody)),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(2);
    expect(limited[0]!.body).toEqual({ message: 'API rate limit exceeded' });
  });

  test('the window slides: after a second, requests pass again', async () => {
    const burst = await Promise.all(
      Array.from({ length: 11 }, () => call(emu, 'POST', `${prefix()}/acquire`, acquireBody)),
    );
    expect(burst.filter((a) => a.status === 429)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1050));
    expect((await call(emu, 'POST', `${prefix()}/acquire`, acquireBody)).status).toBe(200);
  });
});
