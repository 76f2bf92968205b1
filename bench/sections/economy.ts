/**
 * Call economy under Agora's real limits (profile `agora`: 10 requests/s per App ID at the emulator, 10 activities/s
 * on the task queue): `recordings` recordings started at once — as fast as the rate limit allows — each given
 * `layouts` distinct layouts, then stopped. Every Agora call is counted from the emulator's call log.
 *
 * Minimum per lifecycle: 1 acquire + 1 start + 1 stop + 1 updateLayout per distinct layout.
 */
import { updateLayoutSignal } from '../../src/contract';
import type { BenchStack } from '../stack';
import { mapLimit, percentile, round } from '../lib/stats';
import { waitFor } from '../../src/dev/wait';
import { acquireStartGaps, benchInput, callsByCname, firstOk, layoutNo, type Log } from './common';

export interface EconomyResult {
  recordings: number;
  layoutsPerRecording: number;
  minimumCallsPerLifecycle: number;
  callsPerLifecycle: { mean: number; max: number };
  callRatio: number;
  callsByEndpoint: Record<string, number>;
  rateLimited429: number;
  rateLimited429ByEndpoint: Record<string, number>;
  /** Calls above the minimum, and how many of the recordings' calls were answered 429 (each one retried). */
  extraCalls: number;
  workerRequestsPerSecond: number;
  /** Workflow start (client call) → Agora start arriving, ms. */
  startToAgoraStartMs: { p50: number; p99: number };
  /** acquire answered → start arriving, ms. */
  acquireStartGapMs: { p50: number; p99: number; max: number };
  endings: Record<string, number>;
  seconds: number;
}

export async function runEconomy(
  b: BenchStack,
  o: { recordings: number; layouts: number; workerRequestsPerSecond: number; log: Log },
): Promise<EconomyResult> {
  const { stack, emulator } = b;
  await emulator.clearCalls();
  const tag = Date.now().toString(36);
  const cnames = Array.from({ length: o.recordings }, (_, i) => `bench-eco-${tag}-${i}`);
  // A publisher in every channel, so each recording has content and ends `completed` with files.
  for (const cname of cnames) await emulator.join(cname, '1001');
  const began = Date.now();
  const startedAt = new Map<string, number>();
  o.log(`  economy: starting ${o.recordings} recordings at once (Agora limits: 10 requests/s)`);
  const started = await mapLimit(cnames, cnames.length, async (cname) => {
    startedAt.set(cname, Date.now());
    return stack.client.start(benchInput(cname));
  });
  const startedOk = async () => {
    const groups = callsByCname(await emulator.calls());
    return cnames.every((c) => firstOk(groups.get(c) ?? [], 'start')) ? groups : undefined;
  };
  const afterStart = await waitFor('every recording to start', startedOk, {
    timeoutMs: 60_000 + o.recordings * 2_000,
    everyMs: 500,
    onError: 'throw',
  });
  for (const s of started) {
    await waitFor(
      `${s.cname} in the recording state`,
      async () => ((await stack.client.status(s.workflowId)).state === 'recording' ? true : undefined),
      { timeoutMs: 30_000, everyMs: 200, onError: 'throw' },
    );
  }
  const temporal = stack.client.client;
  for (let l = 0; l < o.layouts; l++) {
    o.log(`  economy: layout ${l + 1}/${o.layouts} to every recording`);
    await mapLimit(started, 20, (s) =>
      temporal.workflow.getHandle(s.workflowId).signal(updateLayoutSignal, layoutNo(l)),
    );
    await waitFor(
      `layout ${l + 1} applied everywhere`,
      async () => {
        const groups = callsByCname(await emulator.calls());
        const done = cnames.every(
          (c) => (groups.get(c) ?? []).filter((x) => x.endpoint === 'updateLayout' && x.httpStatus === 200).length > l,
        );
        return done ? true : undefined;
      },
      { timeoutMs: 60_000 + o.recordings * 1_000, everyMs: 500, onError: 'throw' },
    );
  }
  o.log(`  economy: stopping ${o.recordings} recordings`);
  const results = await mapLimit(started, started.length, async (s) => {
    await stack.client.stop(s.workflowId, 'bench', { wait: false });
    return stack.client.result(s.workflowId);
  });
  const calls = await emulator.calls();
  const groups = callsByCname(calls);
  const minimum = 3 + o.layouts;
  const perRecording = cnames.map((c) => (groups.get(c) ?? []).length);
  const byEndpoint: Record<string, number> = {};
  for (const c of cnames)
    for (const x of groups.get(c) ?? []) byEndpoint[x.endpoint ?? '?'] = (byEndpoint[x.endpoint ?? '?'] ?? 0) + 1;
  const startLat: number[] = [];
  for (const c of cnames) {
    const s = firstOk(afterStart.get(c) ?? [], 'start');
    const t = startedAt.get(c);
    if (s && t !== undefined) startLat.push(s.at - t);
  }
  const gaps = acquireStartGaps(groups);
  const endings: Record<string, number> = {};
  for (const r of results) endings[r.ending] = (endings[r.ending] ?? 0) + 1;
  const limited: Record<string, number> = {};
  for (const c of calls) if (c.httpStatus === 429) limited[c.endpoint ?? '?'] = (limited[c.endpoint ?? '?'] ?? 0) + 1;
  const total = perRecording.reduce((s, x) => s + x, 0);
  return {
    recordings: o.recordings,
    layoutsPerRecording: o.layouts,
    minimumCallsPerLifecycle: minimum,
    callsPerLifecycle: { mean: round(total / o.recordings), max: Math.max(...perRecording) },
    callRatio: round(total / (o.recordings * minimum)),
    callsByEndpoint: byEndpoint,
    rateLimited429: calls.filter((c) => c.httpStatus === 429).length,
    rateLimited429ByEndpoint: limited,
    extraCalls: total - o.recordings * minimum,
    workerRequestsPerSecond: o.workerRequestsPerSecond,
    startToAgoraStartMs: { p50: percentile(startLat, 50), p99: percentile(startLat, 99) },
    acquireStartGapMs: { p50: percentile(gaps, 50), p99: percentile(gaps, 99), max: Math.max(...gaps) },
    endings,
    seconds: round((Date.now() - began) / 1000, 1),
  };
}
