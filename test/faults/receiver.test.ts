/**
 * Receiver abuse (issue 8): bad and missing signatures, replayed old notices, 1 MiB bodies, invalid JSON, a wrong
 * productId, 200 requests/s for 10 s — against the real NCS receiver process, while a real recording runs and is the
 * target of every forged notice. No crash, no signal from an unsigned request, p99 answer time under 1 s.
 */
import { signNcsBody } from '../../src/agora/signature';
import { EMULATED } from '../../src/dev';
import { notificationSignals, percentile, post, agent, type RawAnswer } from '../support/faults/http';
import { scenario } from '../support/faults/report';
import { keepErrorText, scanForSecrets } from '../support/faults/secrets';
import {
  channel,
  resultWithin,
  useFaultStack,
  startRecording,
  waitFor,
  waitForState,
  type FaultStack,
} from '../support/faults/stack';

jest.setTimeout(300_000);

let stack: FaultStack;
let target: { workflowId: string; cname: string; uid: string; sid: string };
let forged = 0;

useFaultStack(
  __filename,
  async (s) => {
    stack = s;
    const cname = channel('abuse');
    const { workflowId, uid } = await startRecording(stack, cname);
    const status = await waitForState(stack, workflowId, ['recording']);
    target = { workflowId, cname, uid, sid: status.sid! };
  },
  {
    beforeStop: () => {
      agent.destroy();
    },
  },
);

/** A notice for the target recording. `noticeId` starts with `forged-` for the ones that must never be signalled. */
function notice(
  eventType: number,
  details: Record<string, unknown>,
  o: { noticeId?: string; productId?: number } = {},
) {
  return JSON.stringify({
    noticeId: o.noticeId ?? `forged-${++forged}`,
    productId: o.productId ?? 3,
    eventType,
    notifyMs: Date.now(),
    payload: {
      cname: target.cname,
      uid: target.uid,
      sid: target.sid,
      sequence: 1000 + forged,
      sendts: Date.now(),
      serviceType: 0,
      details,
    },
  });
}
/** A forged session_exit: if it reached the workflow, the recording would end at once. */
const forgedExit = () => notice(11, { msgName: 'session_exit', exitStatus: 0 });
const signed = (body: string, secret = EMULATED.ncsSecret) => {
  const s = signNcsBody(secret, body);
  return { 'agora-signature': s.v1, 'agora-signature-v2': s.v2 };
};

async function healthy(): Promise<boolean> {
  const res = await fetch(stack.receiverUrl.replace('/agora/ncs', '/healthz'));
  return res.ok;
}

/** Every abusive answer is kept for the secrets scan. */
async function send(body: Buffer | string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const a = await post(stack.receiverUrl, body, headers);
  keepErrorText(a.body);
  return a;
}

const group = 'receiver abuse';

scenario(group, 'missing signature', '401; no signal', 30_000, async () => {
  const a = await send(forgedExit());
  expect(a.status).toBe(401);
  return `401 ${a.body}`;
});

scenario(group, 'bad signatures (wrong key, garbage, v1 only, v2 only)', '401 each; no signal', 30_000, async () => {
  const body = forgedExit();
  const wrongKey = signed(body, 'not-the-ncs-secret');
  const answers = [
    await send(body, wrongKey),
    await send(body, { 'agora-signature-v2': 'ab'.repeat(32) }),
    await send(body, { 'agora-signature': wrongKey['agora-signature'] }),
    await send(body, { 'agora-signature-v2': wrongKey['agora-signature-v2'] }),
    await send(body, { 'agora-signature-v2': '' }),
    // A valid signature of another body.
    await send(body, signed(forgedExit())),
  ];
  expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401]);
  return `${answers.length} requests, all 401`;
});

scenario(group, 'invalid JSON', 'signed: 400; unsigned: 401; no signal', 30_000, async () => {
  const bad = '{"noticeId": "forged-json", "productId": 3, "eventType": 11, "payload": {';
  const a = await send(bad, signed(bad));
  const b = await send(bad);
  const c = await send('[1,2,3]', signed('[1,2,3]'));
  expect([a.status, b.status, c.status]).toEqual([400, 401, 400]);
  return `signed broken JSON 400, unsigned 401, signed non-envelope 400`;
});

scenario(group, '1 MiB bodies', '413 whether signed or not; receiver stays up', 60_000, async () => {
  const big = Buffer.alloc(1024 * 1024, 'a');
  const bigJson = JSON.stringify({
    noticeId: 'forged-big',
    productId: 3,
    eventType: 11,
    payload: { pad: 'x'.repeat(1024 * 1024) },
  });
  const statuses: (number | string)[] = [];
  for (const [body, headers] of [
    [big, {}],
    [bigJson, signed(bigJson)],
    [bigJson, {}],
  ] as const) {
    try {
      statuses.push((await send(body, headers)).status);
    } catch (e) {
      // The server may answer 413 and close the socket while the client is still sending.
      statuses.push((e as NodeJS.ErrnoException).code ?? 'error');
    }
  }
  expect(statuses.every((s) => s === 413 || s === 'ECONNRESET' || s === 'EPIPE')).toBe(true);
  expect(statuses).toContain(413);
  expect(await healthy()).toBe(true);
  return `answers ${statuses.join(', ')}; receiver healthy`;
});

scenario(group, 'wrong productId', 'signed, productId 1: 200 ignored; no signal', 30_000, async () => {
  const body = notice(11, { msgName: 'session_exit', exitStatus: 0 }, { productId: 1 });
  const a = await send(body, signed(body));
  expect(a.status).toBe(200);
  expect(JSON.parse(a.body)).toMatchObject({ ignored: 'productId' });
  return `200 ${a.body}`;
});

scenario(
  group,
  'replayed old notices',
  'a signed notice accepted, then replayed (valid signature, old notifyMs): 200 duplicate; signalled once',
  60_000,
  async () => {
    // A cloud_recording_error of low level (event 1, errorLevel 2): signalled and harmless (it only sets lastError).
    // Sent once as Agora would, then replayed a day later.
    const real = JSON.parse(
      notice(1, { msgName: 'cloud_recording_error', errorLevel: 2, errorCode: 2 }, { noticeId: `real-${Date.now()}` }),
    ) as { noticeId: string; notifyMs: number };
    const first = JSON.stringify(real);
    const sent = await send(first, signed(first));
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.body)).toEqual({ ok: true });
    const replay = JSON.stringify({ ...real, notifyMs: Date.now() - 86_400_000 });
    const answers: RawAnswer[] = [];
    for (let i = 0; i < 3; i++) answers.push(await send(replay, signed(replay)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    for (const a of answers) expect(JSON.parse(a.body)).toMatchObject({ duplicate: true });
    const ofReal = async () =>
      (await notificationSignals(stack.client.client, target.workflowId)).filter((s) => s.noticeId === real.noticeId);
    // The replays were answered as duplicates before any spooling, so nothing can add a second signal later.
    await waitFor('the notice signalled', async () => ((await ofReal()).length > 0 ? true : undefined), 20_000);
    expect(await ofReal()).toHaveLength(1);
    return `3 replays answered 200 {duplicate: true}; the notice reached the workflow once`;
  },
);

scenario(
  group,
  '200 requests/s for 10 s',
  'no crash, no 5xx, every request answered within 5 s (latency is reported here; its goal lives in npm run bench), no signal from an unsigned or forged request',
  120_000,
  async () => {
    const real = (await stack.emu.notifications()).find((n) => n.eventType === 40 && n.payload.sid === target.sid)!;
    const replay = JSON.stringify({ ...real, fate: undefined });
    const kinds: [string, () => [string, Record<string, string>]][] = [
      ['unsigned', () => [forgedExit(), {}]],
      ['bad signature', () => [forgedExit(), { 'agora-signature-v2': 'ff'.repeat(32) }]],
      [
        'wrong key',
        () => {
          const b = forgedExit();
          return [b, signed(b, 'wrong')];
        },
      ],
      ['signed invalid JSON', () => ['{"noticeId":', signed('{"noticeId":')]],
      [
        'signed wrong productId',
        () => {
          const b = notice(11, { msgName: 'session_exit' }, { productId: 5 });
          return [b, signed(b)];
        },
      ],
      ['signed replay', () => [replay, signed(replay)]],
    ];
    const rate = 200;
    const seconds = 10;
    const t0 = performance.now();
    const inFlight: Promise<{ kind: string; a?: RawAnswer; error?: string }>[] = [];
    for (let i = 0; i < rate * seconds; i++) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const [kind, make] = kinds[i % kinds.length]!;
      const [body, headers] = make();
      inFlight.push(
        post(stack.receiverUrl, body, headers).then(
          (a) => ({ kind, a }),
          (e: unknown) => ({ kind, error: (e as Error).message }),
        ),
      );
    }
    const sentIn = (performance.now() - t0) / 1000;
    const all = await Promise.all(inFlight);
    const errors = all.filter((x) => x.error);
    const ms = all.filter((x) => x.a).map((x) => x.a!.ms);
    const byStatus = new Map<number, number>();
    for (const x of all) if (x.a) byStatus.set(x.a.status, (byStatus.get(x.a.status) ?? 0) + 1);
    const p50 = percentile(ms, 50);
    const p99 = percentile(ms, 99);
    expect(errors).toEqual([]);
    expect([...byStatus.keys()].every((s) => s < 500)).toBe(true);
    // Not a speed goal (this machine is shared and noisy): a bound far above p99 that only a hung or queued-up
    // receiver would cross.
    expect(Math.max(...ms)).toBeLessThan(5000);
    expect(await healthy()).toBe(true);
    const statusText = [...byStatus.entries()]
      .sort()
      .map(([s, n]) => `${n}×${s}`)
      .join(', ');
    return `${all.length} requests in ${sentIn.toFixed(1)} s (${statusText}); p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; receiver healthy`;
  },
);

scenario(
  group,
  'the target recording after the abuse',
  'completes normally; its history has no forged notice',
  120_000,
  async () => {
    expect((await stack.client.status(target.workflowId)).state).toBe('recording');
    await stack.client.stop(target.workflowId, 'abuse over');
    const result = await resultWithin(stack, target.workflowId, 90_000);
    expect(result.ending).toBe('completed');
    const signals = await notificationSignals(stack.client.client, target.workflowId);
    const forgedSignals = signals.filter((s) => s.noticeId.startsWith('forged-'));
    expect(forgedSignals).toEqual([]);
    return `ended ${result.ending} (${result.uploadingStatus}); ${signals.length} genuine notices signalled, 0 forged of ${forged} sent`;
  },
);

scenario(group, 'no secret in histories, logs or errors', 'none found', 60_000, async () => {
  const { findings, scanned } = await scanForSecrets(stack);
  expect(findings).toEqual([]);
  return `${scanned.histories} histories, ${Math.round(scanned.logBytes / 1024)} KiB of process output, ${scanned.errors} error texts: none found`;
});
