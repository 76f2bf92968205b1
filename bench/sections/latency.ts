/**
 * Latency: signal → updateLayout arriving at the emulator, against the echo baseline measured in the same run on the
 * same stack, samples interleaved (recording, echo, recording, echo, ...) so both see the same machine noise.
 *
 * Both sides are timed the same way: the bench takes `Date.now()` right before `handle.signal(...)`; the arrival is
 * the emulator call log's `at` (its wall clock at speed 1 = `Date.now()` of the emulator process, same machine clock).
 * The echo activity POSTs to `${emulator}/v1/apps/{appId}/cloud_recording/bench-echo/{seq}`, a path the emulator
 * logs like any Agora call (answered 404 by its gateway, no auth or rate limit on the way).
 */
import { updateLayoutSignal } from '../../src/contract';
import type { BenchStack } from '../stack';
import { scrape, stageMeans } from '../lib/prometheus';
import { percentile, round, sleep } from '../lib/stats';
import { waitFor } from '../../src/dev/wait';
import { benchInput, firstOk, layoutNo, layoutNoOf, type Log } from './common';
import { echoDoneSignal, echoSignal } from '../workflows';

export interface LatencyResult {
  samples: number;
  recordingMs: { p50: number; p99: number; mean: number };
  echoMs: { p50: number; p99: number; mean: number };
  p50Ratio: number;
  p99Ratio: number;
  /** Mean ms per stage during the samples, recording worker vs baseline worker (their Prometheus histograms). */
  stagesRecordingWorker: Record<string, number | undefined>;
  stagesBaselineWorker: Record<string, number | undefined>;
  /** Workflow start (client call) → Agora start arriving, ms, of the latency recording. */
  startToAgoraStartMs: number;
}

const summary = (v: number[]) => ({
  p50: percentile(v, 50),
  p99: percentile(v, 99),
  mean: round(v.reduce((s, x) => s + x, 0) / v.length, 1),
});

export async function runLatency(
  b: BenchStack,
  o: { samples: number; gapMs: number; log: Log },
): Promise<LatencyResult> {
  const { stack, emulator } = b;
  const temporal = stack.client.client;
  const tag = Date.now().toString(36);
  const echoId = `bench-echo-${tag}`;
  const echo = await temporal.workflow.start('echoWorkflow', { taskQueue: b.echoTaskQueue, workflowId: echoId });
  const cname = `bench-lat-${tag}`;
  const t0 = Date.now();
  const started = await stack.client.start(benchInput(cname));
  const startCall = await waitFor(
    'the latency recording to start',
    async () =>
      firstOk(
        (await emulator.calls()).filter((c) => (c.body as { cname?: string })?.cname === cname),
        'start',
      ),
    { timeoutMs: 60_000, everyMs: 100, onError: 'throw' },
  );
  await waitFor(
    'the recording state',
    async () => ((await stack.client.status(started.workflowId)).state === 'recording' ? true : undefined),
    { timeoutMs: 30_000, everyMs: 100, onError: 'throw' },
  );
  const rec = temporal.workflow.getHandle(started.workflowId);
  const warmup = 3;
  const total = warmup + o.samples;
  const sentLayout = new Map<number, number>();
  const sentEcho = new Map<number, number>();
  const recBefore = await scrape(stack.metricsUrl);
  const echoBefore = await scrape(b.echoMetricsUrl);
  o.log(`  latency: ${total} samples each (${warmup} warm-up), ${o.gapMs} ms apart, interleaved`);
  for (let i = 0; i < total; i++) {
    sentLayout.set(i, Date.now());
    await rec.signal(updateLayoutSignal, layoutNo(i));
    await sleep(o.gapMs);
    sentEcho.set(i, Date.now());
    await echo.signal(echoSignal, i);
    await sleep(o.gapMs);
  }
  const echoPrefix = `${b.echoPath}/`;
  const arrived = await waitFor(
    'every updateLayout and echo to arrive',
    async () => {
      const calls = await emulator.calls();
      const layouts = calls.filter(
        (c) => c.endpoint === 'updateLayout' && (c.body as { cname?: string })?.cname === cname,
      );
      const echoes = calls.filter((c) => c.path.startsWith(echoPrefix));
      return layouts.length >= total && echoes.length >= total ? { layouts, echoes } : undefined;
    },
    { timeoutMs: 30_000, everyMs: 250, onError: 'throw' },
  );
  const stagesRecordingWorker = stageMeans(recBefore, await scrape(stack.metricsUrl));
  const stagesBaselineWorker = stageMeans(echoBefore, await scrape(b.echoMetricsUrl));
  const rLat: number[] = [];
  const eLat: number[] = [];
  for (const c of arrived.layouts) {
    const i = layoutNoOf(c);
    const sent = i === undefined ? undefined : sentLayout.get(i);
    if (i !== undefined && i >= warmup && sent !== undefined) rLat.push(c.at - sent);
  }
  for (const c of arrived.echoes) {
    const i = Number(c.path.slice(echoPrefix.length));
    const sent = sentEcho.get(i);
    if (i >= warmup && sent !== undefined) eLat.push(c.at - sent);
  }
  await echo.signal(echoDoneSignal);
  await stack.client.stop(started.workflowId, 'latency samples taken');
  const r = summary(rLat);
  const e = summary(eLat);
  return {
    samples: Math.min(rLat.length, eLat.length),
    recordingMs: r,
    echoMs: e,
    p50Ratio: round(r.p50 / Math.max(1, e.p50)),
    p99Ratio: round(r.p99 / Math.max(1, e.p99)),
    stagesRecordingWorker,
    stagesBaselineWorker,
    startToAgoraStartMs: startCall.at - t0,
  };
}
