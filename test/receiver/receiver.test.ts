/**
 * The NCS receiver against a real Temporal dev server and a real worker running a stand-in workflow that records the
 * signals it gets; requests go over real HTTP to the listening receiver.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv, uniqueTaskQueue } from '../support/temporal';
import { signNcsBody } from '../../src/agora/signature';
import { DeadLetterLog } from '../../src/receiver/dead-letter';
import { NotificationDelivery } from '../../src/receiver/delivery';
import { buildReceiver } from '../../src/receiver/receiver';
import { createLogger } from '../../src/runtime/logging';
import { waitFor, WaitTimeoutError } from '../../src/dev/wait';
import { agoraSidKey, recordingWorkflowId } from '../../src/contract';
import { finishSignal, notificationSink, receivedQuery } from '../support/notification-sink';

const secret = 'ncs-test-secret';
const appId = 'test-app';
const bodyLimitBytes = 4096;

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let taskQueue: string;
let dir: string;
let deadLetter: DeadLetterLog;
let delivery: NotificationDelivery;
let app: FastifyInstance;
let url: string;

beforeAll(async () => {
  env = await createDevServerEnv();
  taskQueue = uniqueTaskQueue('receiver');
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../support/notification-sink'),
  });
  running = worker.run();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ncs-'));
  deadLetter = new DeadLetterLog(path.join(dir, 'dead-letter.jsonl'));
  delivery = new NotificationDelivery({
    client: env.client,
    appId,
    spoolFile: path.join(dir, 'spool.jsonl'),
    deadLetter,
    deadlineMs: 30_000,
    logger: createLogger('receiver-test', 'silent'),
  });
  await delivery.open();
  app = buildReceiver({
    ncsSecret: secret,
    path: '/agora/ncs',
    bodyLimitBytes,
    delivery,
    deadLetter,
    logger: createLogger('receiver-test', 'silent'),
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  url = `${address}/agora/ncs`;
});

afterAll(async () => {
  await app?.close();
  await delivery?.drain(5_000);
  worker?.shutdown();
  await running;
  await env?.teardown();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
function notification(cname: string, uid: string, over: Record<string, unknown> = {}) {
  return {
    noticeId: randomUUID(),
    productId: 3,
    eventType: 40,
    notifyMs: Date.now(),
    payload: {
      cname,
      uid,
      sid: 'sid0123456789abcdef',
      sequence: seq++,
      sendts: Date.now(),
      serviceType: 1,
      details: {},
    },
    ...over,
  };
}

async function post(
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, json: await res.json().catch(() => undefined) };
}

function signed(body: string, which: 'v2' | 'v1' | 'both' = 'v2'): Record<string, string> {
  const s = signNcsBody(secret, body);
  const h: Record<string, string> = {};
  if (which !== 'v1') h['Agora-Signature-V2'] = s.v2;
  if (which !== 'v2') h['Agora-Signature'] = s.v1;
  return h;
}

async function startSink(cname: string, uid: string) {
  return env.client.workflow.start(notificationSink, {
    taskQueue,
    workflowId: recordingWorkflowId(appId, cname, uid),
  });
}

/**
 * Polls `f` every 100 ms until `ok` holds, at most `timeoutMs`; returns the last value either way, so the test's
 * assertion shows what it got.
 */
async function eventually<T>(f: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  let last: { v: T } | undefined;
  try {
    const got = await waitFor(
      'a value that passes the check',
      async () => {
        last = { v: await f() };
        return ok(last.v) ? last : undefined;
      },
      { timeoutMs, everyMs: 100, onError: 'throw' },
    );
    return got.v;
  } catch (e) {
    if (e instanceof WaitTimeoutError && last) return last.v;
    throw e;
  }
}

describe('NCS receiver', () => {
  it('verifies a V2 signature and signals the workflow of cname+uid', async () => {
    const cname = `room-${seq}`;
    const sink = await startSink(cname, '4294967001');
    const n = notification(cname, '4294967001');
    const body = JSON.stringify(n);
    const began = Date.now();
    const res = await post(body, signed(body));
    expect(res.status).toBe(200);
    expect(Date.now() - began).toBeLessThan(2_000);
    const got = await eventually(
      () => sink.query(receivedQuery),
      (r) => r.length > 0,
    );
    expect(got).toEqual([n.noticeId]);
    await sink.signal(finishSignal);
    const received = await sink.result();
    expect(received[0]).toMatchObject({ eventType: 40, payload: { cname, uid: '4294967001' } });
  });

  it('accepts the legacy Agora-Signature (HMAC-SHA1) when V2 is absent', async () => {
    const cname = `room-${seq}`;
    const sink = await startSink(cname, '4294967002');
    const n = notification(cname, '4294967002');
    const body = JSON.stringify(n);
    expect((await post(body, signed(body, 'v1'))).status).toBe(200);
    expect(
      await eventually(
        () => sink.query(receivedQuery),
        (r) => r.length > 0,
      ),
    ).toEqual([n.noticeId]);
    await sink.signal(finishSignal);
  });

  it('rejects bad or missing signatures (401), malformed bodies (400), oversized bodies (413); ignores unknown events; signals nothing', async () => {
    const cname = `room-${seq}`;
    const sink = await startSink(cname, '4294967003');
    const good = notification(cname, '4294967003');
    const goodBody = JSON.stringify(good);

    // missing signature
    expect((await post(goodBody)).status).toBe(401);
    // signature of another body
    expect((await post(goodBody, signed(goodBody + ' '))).status).toBe(401);
    // right V1 but forged V2: V2 wins, no downgrade
    expect((await post(goodBody, { ...signed(goodBody, 'v1'), 'Agora-Signature-V2': 'ab'.repeat(32) })).status).toBe(
      401,
    );
    // signed with another secret
    const other = signNcsBody('another-secret', goodBody);
    expect((await post(goodBody, { 'Agora-Signature-V2': other.v2 })).status).toBe(401);
    // malformed JSON, correctly signed
    const broken = goodBody.slice(0, -3);
    expect((await post(broken, signed(broken))).status).toBe(400);
    // JSON but not an envelope
    const notEnvelope = JSON.stringify({ hello: 'world' });
    expect((await post(notEnvelope, signed(notEnvelope))).status).toBe(400);
    // oversized
    const big = JSON.stringify(notification(cname, '4294967003', { padding: 'x'.repeat(bodyLimitBytes) }));
    expect((await post(big, signed(big))).status).toBe(413);
    // unknown event type: acknowledged, not signalled
    const unknown = JSON.stringify(notification(cname, '4294967003', { eventType: 9999 }));
    const u = await post(unknown, signed(unknown));
    expect(u.status).toBe(200);
    expect(u.json).toMatchObject({ ok: true, ignored: 'eventType' });
    // events the workflow does not act on (slice start, upload progress below 100 %): acknowledged, not signalled
    for (const over of [
      { eventType: 42 },
      { eventType: 33, payload: { ...good.payload, details: { progress: 5_000 } } },
    ]) {
      const noise = JSON.stringify(notification(cname, '4294967003', over));
      const r = await post(noise, signed(noise));
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ ok: true, ignored: 'notNeeded' });
    }

    // the receiver is still alive and the good one goes through; the workflow got exactly it
    expect((await post(goodBody, signed(goodBody))).status).toBe(200);
    const got = await eventually(
      () => sink.query(receivedQuery),
      (r) => r.length > 0,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await sink.query(receivedQuery)).toEqual(got);
    expect(got).toEqual([good.noticeId]);
    await sink.signal(finishSignal);
  });

  it('signals the same notification once when NCS sends it twice (a resend has a new notifyMs)', async () => {
    const cname = `room-${seq}`;
    const sink = await startSink(cname, '4294967004');
    const n = notification(cname, '4294967004');
    const first = JSON.stringify(n);
    const resend = JSON.stringify({ ...n, notifyMs: n.notifyMs + 1500 });
    expect((await post(first, signed(first))).status).toBe(200);
    const second = await post(resend, signed(resend, 'both'));
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ duplicate: true });
    const marker = notification(cname, '4294967004');
    const markerBody = JSON.stringify(marker);
    expect((await post(markerBody, signed(markerBody))).status).toBe(200);
    const got = await eventually(
      () => sink.query(receivedQuery),
      (r) => r.length >= 2,
    );
    expect(got).toEqual([n.noticeId, marker.noticeId]);
    await sink.signal(finishSignal);
  });

  it('acknowledges notifications of unknown or finished recordings and dead-letters them', async () => {
    const cname = `room-${seq}`;
    const finished = await startSink(cname, '4294967005');
    await finished.signal(finishSignal);
    await finished.result();
    const forFinished = notification(cname, '4294967005');
    const forUnknown = notification(cname, '4294967099');
    for (const n of [forFinished, forUnknown]) {
      const body = JSON.stringify(n);
      expect((await post(body, signed(body))).status).toBe(200);
    }
    const records = await eventually(
      () => deadLetter.read(),
      (r) => r.filter((x) => x.reason === 'workflow_not_found').length >= 2,
    );
    const ids = records
      .filter((r) => r.reason === 'workflow_not_found')
      .map((r) => (r.notification as { noticeId: string }).noticeId);
    expect(ids).toEqual(expect.arrayContaining([forFinished.noticeId, forUnknown.noticeId]));
  });

  it('after a failover (new recorder uid) routes by sid to the running workflow whose AgoraSid matches', async () => {
    const cname = `room-${seq}`;
    const sid = `sidfailover${Date.now()}`;
    const sink = await env.client.workflow.start(notificationSink, {
      taskQueue,
      workflowId: recordingWorkflowId(appId, cname, '4294967007'),
      typedSearchAttributes: [{ key: agoraSidKey, value: sid }],
    });
    // Visibility is eventually consistent: wait until the server can find the workflow by AgoraSid.
    await eventually(
      async () => {
        let n = 0;
        for await (const _ of env.client.workflow.list({ query: `AgoraSid = "${sid}"` })) n++;
        return n;
      },
      (n) => n > 0,
    );
    const n = notification(cname, '123456', { payload: { cname, uid: '123456', sid, sequence: 9, details: {} } });
    const body = JSON.stringify(n);
    expect((await post(body, signed(body))).status).toBe(200);
    expect(
      await eventually(
        () => sink.query(receivedQuery),
        (r) => r.length > 0,
      ),
    ).toEqual([n.noticeId]);
    await sink.signal(finishSignal);
  });

  it('acknowledges a recorder_started without signalling when the workflow already holds that sid (AgoraSid)', async () => {
    const cname = `room-${seq}`;
    const uid = '4294967008';
    const sid = `sidknown${Date.now()}`;
    const sink = await env.client.workflow.start(notificationSink, {
      taskQueue,
      workflowId: recordingWorkflowId(appId, cname, uid),
      typedSearchAttributes: [{ key: agoraSidKey, value: sid }],
    });
    const before = delivery.stats.sidHeld;
    const held = notification(cname, uid, { payload: { cname, uid, sid, sequence: seq++, details: {} } });
    // Another sid, and another event type of the held sid: both still signalled (deliveries to one workflow keep
    // their arrival order, so once these arrived, the first one was decided).
    const otherSid = notification(cname, uid);
    const otherEvent = notification(cname, uid, {
      eventType: 41,
      payload: { cname, uid, sid, sequence: seq++, details: { leaveCode: 2 } },
    });
    for (const n of [held, otherSid, otherEvent]) {
      const body = JSON.stringify(n);
      expect((await post(body, signed(body))).status).toBe(200);
    }
    const got = await eventually(
      () => sink.query(receivedQuery),
      (r) => r.length >= 2,
    );
    expect(got).toEqual([otherSid.noticeId, otherEvent.noticeId]);
    expect(delivery.stats.sidHeld).toBe(before + 1);
    await sink.signal(finishSignal);
  });

  it("answers the console's test probe with 200 (Agora's signed sample body, other product)", async () => {
    const probeBody =
      '{"eventMs":1560408533119,"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}';
    const sig = signNcsBody(secret, probeBody);
    expect((await post(probeBody, { 'Agora-Signature-V2': sig.v2, 'Agora-Signature': sig.v1 })).status).toBe(200);
    // A cloud-recording event type without cname/uid/sid: acknowledged, dead-lettered as unroutable.
    const probe3 = JSON.stringify({
      noticeId: randomUUID(),
      productId: 3,
      eventType: 40,
      notifyMs: 1,
      payload: { a: 1 },
    });
    expect((await post(probe3, signed(probe3))).status).toBe(200);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const health = await fetch(url.replace('/agora/ncs', '/healthz'));
    expect(health.status).toBe(200);
  });

  it('replays spooled notifications that were accepted but not delivered (receiver restart)', async () => {
    const cname = `room-${seq}`;
    const sink = await startSink(cname, '4294967006');
    const n = notification(cname, '4294967006');
    const spoolFile = path.join(dir, 'replay-spool.jsonl');
    fs.writeFileSync(spoolFile, JSON.stringify({ t: 'accepted', at: Date.now(), n }) + '\n{"t":"acc');
    const restarted = new NotificationDelivery({
      client: env.client,
      appId,
      spoolFile,
      deadLetter,
      deadlineMs: 30_000,
      logger: createLogger('receiver-test', 'silent'),
    });
    expect(await restarted.open()).toBe(1);
    expect(
      await eventually(
        () => sink.query(receivedQuery),
        (r) => r.length > 0,
      ),
    ).toEqual([n.noticeId]);
    await restarted.drain(5_000);
    expect(fs.readFileSync(spoolFile, 'utf8')).toContain('"t":"done"');
    await sink.signal(finishSignal);
  });
});
