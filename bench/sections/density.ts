/**
 * Density on the `unthrottled` stack (Agora's QPS limit and quota lifted, so the worker and Temporal are what is
 * measured; start throughput has its own section and stack, see throughput.ts).
 *
 * Density: recordings are added step by step (N₁ < N₂ < ...) and left idle in the recording state (nobody joins, so
 * they stay; Agora's per-minute `uploading_progress` notifications are dropped at the emulator while measuring memory,
 * see `idle`). After each step settles: worker RSS (median of samples from /proc), the sticky cache size and forced
 * evictions from the worker's Prometheus endpoint. The RSS slope is a least-squares fit over the steps. At the last
 * step: worker CPU over a window from /proc/<pid>/stat, with the progress notifications dropped (quiet) and flowing
 * (as Agora sends them: one per recording per minute, each a signal).
 */
import type { StartRecordingInput } from '../../src/client';
import { defaultRecordingPolicy } from '../../src/contract';
import type { BenchStack } from '../stack';
import { metricNames, metricSum, scrape, stageMeans } from '../lib/prometheus';
import { cpuPercentOver, cpuProfile, rssKiB } from '../lib/proc';
import { linearFit, mapLimit, median, percentile, round, sleep } from '../lib/stats';
import { waitFor } from '../../src/dev/wait';
import {
  acquireStartGaps,
  benchInput,
  callsByCname,
  gapParts,
  startRecordings,
  type GapBreakdown,
  type Log,
} from './common';

export interface DensityStep {
  n: number;
  rssKiB: number;
  stickyCacheSize?: number;
  forcedEvictions?: number;
  /** Recordings of this step per second, client start → Agora start of the step's last one. */
  startsPerSecond: number;
}

export interface DensityResult {
  steps: DensityStep[];
  rssSlopeKiBPerRecording: number;
  rssFitR2: number;
  evictionsAtMax: number | undefined;
  evictionMetric: string;
  idleCpuPercentQuiet: number;
  idleCpuPercentWithProgress: number;
  idleWindowSeconds: number;
  /** Wait before the quiet window for the start-up work to drain, s. */
  idleDrainSeconds?: number;
  /** Recordings with a short health-check cadence, so that the idle windows see the steady-state rate of checks. */
  healthProbes?: { recordings: number; everySeconds: number; queriesInQuietWindow: number };
  progressWindowSeconds: number;
  /** CPU, % of one core, per process while idle with progress. */
  cpuIdleWithProgress: Record<string, number>;
  /** Worker-side means (ms) while the first step started, from the worker's Prometheus histograms. */
  startPhaseLatencyMs: Record<string, number | undefined>;
  /** RSS growth of the baseline worker per cached bare workflow (echoWorkflow idle on its signal), KiB. */
  bareWorkflowKiB: number;
  bareWorkflows: number;
  acquireStartGapMs: { p50: number; p99: number };
  /** The gap's parts (p50/p99 ms) for the recordings of the first step, from their histories. */
  acquireStartGapParts: GapBreakdown;
  liveAtEnd: number;
}

const EVICTIONS = 'temporal_sticky_cache_total_forced_eviction';
const CACHE_SIZE = 'temporal_sticky_cache_size';

async function settledRss(pid: number, settleMs: number): Promise<number> {
  await sleep(settleMs);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssKiB(pid));
    await sleep(1_000);
  }
  return median(samples);
}

/** Warm-up recordings, counted in N. */
const WARMUP = 5;

/**
 * Health checks at their steady-state rate in the idle windows: the recordings are minutes old, younger than the
 * default cadence (one check per 30 min), so none of theirs would fall in a window. Instead k of the N recordings
 * check every {@link PROBE_HEALTH_SECONDS} s, k = N × 60 / 1800, which is the rate N recordings reach at steady state
 * (N / 1800 per s); each check is the real one (timer, workflow task, local query, Agora call).
 */
const PROBE_HEALTH_SECONDS = 60;
function healthProbeCount(n: number): number {
  return Math.max(1, Math.round((n * PROBE_HEALTH_SECONDS) / defaultRecordingPolicy.healthCheckIntervalSeconds));
}

export async function runDensity(
  b: BenchStack,
  o: {
    steps: number[];
    idleSeconds: number;
    progressSeconds: number;
    settleSeconds: number;
    /** Wait after the last step's settle before the first idle window, s. */
    drainSeconds: number;
    concurrency: number;
    log: Log;
  },
): Promise<DensityResult> {
  const { emulator, workerPid, stack } = b;
  const temporal = stack.client.client;
  const tag = Date.now().toString(36);
  const metrics = async () => {
    const text = await scrape(stack.metricsUrl);
    return { evictions: metricSum(text, EVICTIONS), size: metricSum(text, CACHE_SIZE), text };
  };
  // Quiet idle: Agora's per-minute uploading_progress (33) is dropped at the emulator until the last CPU window.
  await emulator.addFault({ kind: 'ncsDrop', eventType: 33 });

  // Warm-up (counted in N): the first workflow tasks and HTTP connections.
  await startRecordings(
    b,
    Array.from({ length: WARMUP }, (_, i) => `bench-den-${tag}-w${i}`),
    o.concurrency,
  );
  let live = WARMUP;

  const steps: DensityStep[] = [];
  let startPhaseLatencyMs: Record<string, number | undefined> = {};
  let firstStep: { workflowId: string; cname: string }[] = [];
  const maxN = o.steps[o.steps.length - 1]!;
  const probes = healthProbeCount(maxN);
  // The probes are the last recordings started (of the last step).
  const input = (cname: string): StartRecordingInput => {
    const i = Number(cname.slice(cname.lastIndexOf('-') + 1));
    if (!(i >= maxN - probes)) return benchInput(cname);
    const base = benchInput(cname);
    return { ...base, policy: { ...base.policy, healthCheckIntervalSeconds: PROBE_HEALTH_SECONDS } };
  };
  for (const n of o.steps) {
    const cnames = Array.from({ length: n - live }, (_, i) => `bench-den-${tag}-${live + i}`);
    const before = steps.length === 0 ? await scrape(stack.metricsUrl) : '';
    const result = await startRecordings(b, cnames, o.concurrency, { input });
    const rate = result.rate;
    o.log(`  density: ${cnames.length} recordings started, ${round(rate, 1)}/s`);
    if (steps.length === 0) {
      firstStep = result.started;
      const after = await scrape(stack.metricsUrl);
      startPhaseLatencyMs = stageMeans(before, after);
    }
    live = n;
    const rss = await settledRss(workerPid, o.settleSeconds * 1000);
    const m = await metrics();
    steps.push({
      n,
      rssKiB: rss,
      ...(m.size === undefined ? {} : { stickyCacheSize: m.size }),
      ...(m.evictions === undefined ? {} : { forcedEvictions: m.evictions }),
      startsPerSecond: round(rate, 1),
    });
    o.log(`  density: N=${n} RSS ${round(rss / 1024, 1)} MiB, cache ${m.size ?? '?'}, evictions ${m.evictions ?? '?'}`);
  }
  const fit = linearFit(steps.map((s) => ({ x: s.n, y: s.rssKiB })));
  // Idle means after the start-up work has drained, which a fixed wait covers: the last NCS 40 deliveries and workflow
  // tasks take seconds; V8's memory reducer then runs a few major GCs of the grown heaps ~30 s apart (a full run's
  // --trace-gc showed the last one ~115 s after the last start), each a 4-8 % spike in a 5 s window.
  o.log(`  density: ${o.drainSeconds} s for the start-up work and the memory reducer's GCs to pass`);
  await sleep(o.drainSeconds * 1000);
  o.log(`  density: idle CPU over ${o.idleSeconds} s (progress notifications dropped)`);
  const quiet0 = Date.now();
  const cpuQuiet = await cpuPercentOver(workerPid, o.idleSeconds * 1000);
  const quiet1 = Date.now();
  await emulator.clearFaults();
  // Each recording's uploading_progress fires every 60 s from its start: a 60 s window sees one per recording.
  o.log(`  density: idle CPU over ${o.progressSeconds} s (uploading_progress every minute per recording)`);
  const progressProfile = await cpuProfile(b.pids, () => sleep(o.progressSeconds * 1000));
  const cpuProgress = progressProfile.cpu.worker ?? NaN;
  // The floor: the same count of bare workflows (echoWorkflow, idle on its signal) cached by the baseline worker.
  const bareN = o.steps[o.steps.length - 1]!;
  o.log(`  density: ${bareN} bare idle workflows on the baseline worker (RSS floor per cached workflow)`);
  // Warm the baseline worker first (its JIT and first workflow tasks: 50 no-ops), as the recording worker is by now.
  await mapLimit(
    Array.from({ length: 50 }, (_, i) => i),
    o.concurrency,
    (i) =>
      temporal.workflow.execute('noopWorkflow', {
        taskQueue: b.echoTaskQueue,
        workflowId: `bench-den-noop-${tag}-${i}`,
      }),
  );
  const bare0 = await settledRss(b.echoPid, 0);
  const bareHandles = await mapLimit(
    Array.from({ length: bareN }, (_, i) => i),
    o.concurrency,
    (i) =>
      temporal.workflow.start('echoWorkflow', { taskQueue: b.echoTaskQueue, workflowId: `bench-bare-${tag}-${i}` }),
  );
  await waitFor(
    'the bare workflows to be cached',
    async () => {
      const text = await scrape(b.echoMetricsUrl);
      return (metricSum(text, CACHE_SIZE) ?? 0) >= bareN ? true : undefined;
    },
    { timeoutMs: 120_000 + bareN * 100, everyMs: 1_000, onError: 'throw' },
  );
  const bare1 = await settledRss(b.echoPid, o.settleSeconds * 1000);
  const bareSlope = (bare1 - bare0) / bareN;
  await mapLimit(bareHandles, o.concurrency, (h) => h.terminate('bench done'));
  const final = await metrics();
  const tasks = await emulator.tasks();
  const allCalls = await emulator.calls();
  // The health checks that reached Agora during the quiet window (query calls), to show the probes did their work.
  const queriesInQuietWindow = allCalls.filter((c) => c.endpoint === 'query' && c.at >= quiet0 && c.at < quiet1).length;
  const groups = callsByCname(allCalls);
  const gaps = acquireStartGaps(groups);
  const gapBreakdown = await gapParts(temporal, firstStep, groups);
  // A Prometheus counter that was never incremented is not exported: absent means 0 forced evictions, which the cache
  // size (= live recordings) confirms.
  const lastSize = steps[steps.length - 1]?.stickyCacheSize;
  let evictions = final.evictions;
  let evictionMetric = EVICTIONS;
  if (evictions === undefined) {
    const sticky = metricNames(final.text).filter((x) => x.includes('sticky'));
    evictionMetric = `${EVICTIONS} never exported (counter never incremented; present: ${sticky.join(', ')})`;
    if (lastSize !== undefined && lastSize >= live) evictions = 0;
  }
  return {
    steps,
    rssSlopeKiBPerRecording: round(fit.slope, 1),
    rssFitR2: round(fit.r2, 3),
    evictionsAtMax: evictions,
    evictionMetric,
    idleCpuPercentQuiet: round(cpuQuiet, 2),
    idleCpuPercentWithProgress: round(cpuProgress, 2),
    idleWindowSeconds: o.idleSeconds,
    idleDrainSeconds: o.drainSeconds,
    healthProbes: { recordings: probes, everySeconds: PROBE_HEALTH_SECONDS, queriesInQuietWindow },
    progressWindowSeconds: o.progressSeconds,
    startPhaseLatencyMs,
    bareWorkflowKiB: round(bareSlope, 1),
    bareWorkflows: bareN,
    cpuIdleWithProgress: progressProfile.cpu,
    acquireStartGapMs: { p50: percentile(gaps, 50), p99: percentile(gaps, 99) },
    acquireStartGapParts: gapBreakdown,
    liveAtEnd: tasks.filter((t) => t.phase === 'recording').length,
  };
}
