/**
 * No configured secret in any log line or thrown error. Every client call and every activity runs against a HOSTILE
 * server that echoes the Authorization header and the whole request body (storage keys, token, decryption secret) back
 * in every place an answer has (reason, message, extra keys, the request-id header, invalid 200 bodies), in each
 * outcome, plus network failures and failover. Captured: the client's pino logger, the Temporal activity logger,
 * process stdout/stderr and console, and every error (inspected deeply, JSON-serialised, stack and cause).
 * (Each other test file of the client and activities also checks its own capture after every test.)
 */
import { inspect } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import type { RecordingActivities } from '../../src/contract';
import {
  APP_CERTIFICATE,
  APP_ID,
  BASIC_TOKEN,
  CUSTOMER_SECRET,
  Capture,
  DECRYPTION_SECRET,
  SECRETS,
  STORAGE_SECRET_KEY,
  closedPortUrl,
  json,
  mixClientRequest,
  startStub,
  storageProfiles,
  testClient,
} from '../support/agora';

const UID = '4294967001';

/** Answers, in turn, for every request: each echoes what the request carried. */
const answers: ((echo: Record<string, unknown>) => { status: number; body: unknown })[] = [
  (e) => ({ status: 200, body: { resourceId: { nested: e }, sid: 42, serverResponse: 'x' } }), // schema-invalid ok
  (e) => ({ status: 201, body: { code: 7, reason: `already started ${String(e.auth)}`, sid: 's', echo: e } }),
  (e) => ({ status: 206, body: { code: 65, reason: JSON.stringify(e) } }),
  (e) => ({ status: 206, body: { code: 435, reason: JSON.stringify(e) } }),
  (e) => ({ status: 400, body: { code: 2, reason: `bad ${JSON.stringify(e)}`, ...e } }),
  (e) => ({ status: 400, body: { code: 53, reason: JSON.stringify(e) } }),
  (e) => ({ status: 400, body: { code: 49, reason: JSON.stringify(e) } }),
  (e) => ({ status: 401, body: { message: `Invalid authentication credentials ${String(e.auth)}` } }),
  (e) => ({ status: 404, body: { code: 404, reason: JSON.stringify(e) } }),
  (e) => ({ status: 429, body: { message: JSON.stringify(e) } }),
  (e) => ({ status: 500, body: { code: 502, reason: JSON.stringify(e) } }),
  (e) => ({ status: 504, body: { code: 62, reason: JSON.stringify(e) } }),
  (e) => ({ status: 200, body: `<html>${JSON.stringify(e)}</html>` }),
  (e) => ({ status: 503, body: `<html>${JSON.stringify(e)}</html>` }),
];

describe('secrets never appear in logs or errors', () => {
  const capture = new Capture();
  const console_: string[] = [];
  const restore: (() => void)[] = [];
  let received = '';

  beforeAll(() => {
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = (chunk: unknown, ...rest: unknown[]) => {
        console_.push(String(chunk));
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      };
      restore.push(() => (stream.write = original));
    }
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[level];
      console[level] = (...args: unknown[]) => {
        console_.push(args.map((a) => inspect(a, { depth: Infinity })).join(' '));
      };
      restore.push(() => (console[level] = original));
    }
  });
  afterAll(() => {
    restore.forEach((r) => {
      r();
    });
  });

  it('through every outcome of every client method and activity, a hostile echoing server, and network failures', async () => {
    let i = 0;
    const stub = await startStub((req, body, res) => {
      received += `${req.headers.authorization ?? ''} ${body}\n`;
      const echo = { auth: req.headers.authorization, body: body ? (JSON.parse(body) as unknown) : undefined };
      const answer = answers[i++ % answers.length]!(echo);
      json(res, answer.status, answer.body, { 'X-Request-ID': `req ${String(req.headers.authorization)}` });
    });
    const dead = await closedPortUrl();
    try {
      const client = testClient([stub.baseUrl, dead], capture, { logger: capture.pino(), failoverDelayMs: 1 });
      const acts: RecordingActivities = createActivities({
        client,
        storageProfiles,
        appId: APP_ID,
        appCertificate: APP_CERTIFICATE,
      });
      const env = new MockActivityEnvironment({ startToCloseTimeoutMs: 10_000 }, { logger: capture.temporalLogger });
      const ref = { cname: 'c', uid: UID, mode: 'mix' as const, resourceId: 'r', sid: 's' };
      const startInput = {
        ...ref,
        storageProfile: 'main',
        fileNamePrefix: ['a'],
        recordingConfig: { channelType: 0 as const, decryptionMode: 1, secret: DECRYPTION_SECRET },
        recordingFileConfig: { avFileType: ['hls' as const] },
      };
      const attempt = async (p: Promise<unknown>) => {
        try {
          capture.lines.push(inspect(await p, { depth: Infinity }));
        } catch (err) {
          capture.errors.push(err);
        }
      };
      for (let round = 0; round < answers.length; round++) {
        await attempt(client.acquire({ cname: 'c', uid: UID, clientRequest: {} }));
        await attempt(client.start('r', 'mix', { cname: 'c', uid: UID, clientRequest: mixClientRequest() }));
        await attempt(client.query('r', 's', 'mix'));
        await attempt(
          client.update('r', 's', 'mix', {
            cname: 'c',
            uid: UID,
            clientRequest: { storageConfig: mixClientRequest().storageConfig },
          }),
        );
        await attempt(client.updateLayout('r', 's', { cname: 'c', uid: UID, clientRequest: { mixedVideoLayout: 1 } }));
        await attempt(client.stop('r', 's', 'mix', { cname: 'c', uid: UID, clientRequest: {} }));
        await attempt(env.run(acts.acquire, { cname: 'c', uid: UID, mode: 'mix' as const }));
        await attempt(env.run(acts.start, startInput));
        await attempt(env.run(acts.query, ref));
        await attempt(env.run(acts.update, { ...ref, storageProfile: 'main' }));
        await attempt(env.run(acts.updateLayout, { ...ref, layout: { mixedVideoLayout: 1 as const } }));
        await attempt(env.run(acts.stop, ref));
      }
      // Invalid requests whose bodies carry secrets: refused before sending, and the refusal names fields only.
      await attempt(
        client.start('r', 'mix', {
          cname: 'c',
          uid: UID,
          clientRequest: {
            ...mixClientRequest(),
            storageConfig: { ...mixClientRequest().storageConfig, vendor: CUSTOMER_SECRET as unknown as number },
          },
        }),
      );
      await attempt(env.run(acts.start, { ...startInput, storageProfile: STORAGE_SECRET_KEY }));
      // Nothing answers at all.
      const deadClient = testClient([dead], capture, { logger: capture.pino(), failoverDelayMs: 1 });
      await attempt(deadClient.stop('r', 's', 'mix', { cname: 'c', uid: UID, clientRequest: {} }));
    } finally {
      await stub.close();
    }

    // Not vacuous: the secrets really went over the wire, and errors and log lines were produced in numbers.
    expect(received).toContain(`Basic ${BASIC_TOKEN}`);
    expect(received).toContain(STORAGE_SECRET_KEY);
    expect(received).toContain(DECRYPTION_SECRET);
    expect(capture.errors.length).toBeGreaterThan(50);
    expect(capture.lines.length).toBeGreaterThan(100);
    // ...and the echoed secrets were met and replaced, not merely absent.
    expect(capture.text()).toContain('[REDACTED]');

    expect(capture.leaks()).toEqual([]);
    const printed = console_.join('\n');
    expect(SECRETS.filter((s) => printed.includes(s))).toEqual([]);
  });
});
