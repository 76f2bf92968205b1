/**
 * Start throughput on its own `unthrottled` stack (Agora's QPS limit and quota lifted; a fresh dev server, whose cost
 * per operation grows with the workflows it holds): recordings started per second ÷ no-op workflows per second.
 *
 * Both sides have the same shape: a batch of `batch` is started at once (client concurrency `concurrency`) and timed
 * from the bench's first client call to a server-side time of the last one done, so that observing it costs neither
 * side: a no-op workflow (`noopWorkflow` on the baseline worker) when it closed (its `closeTime`; the bench waits on
 * the baseline worker's completed-workflows counter, and reads the close times after the CPU window), a recording when
 * its start request arrived at the emulator (the call log's `at`: acquire answered, start sent). After a warm-up of
 * both (JIT, connections, caches: the first batch on a fresh stack ran ~15 % slower), `rounds` (odd) rounds run one
 * batch of each, the order flipped every round (no-op first in rounds 1, 3, ...), so that drift (the dev server's
 * growth: every recording started here stays live; the shared machine's other load) falls on both sides. The measure
 * is the median round's ratio.
 *
 * What limits it, from the same rounds: each process's CPU time (/proc/<pid>/stat) per operation, in ms, over the batch
 * and its tail (a recording's: until the receiver has delivered every recorder_started, which the emulator sends
 * RECORDER_STARTUP_MS after the start's answer, plus TAIL_MS; a no-op's: TAIL_MS), and the machine's CPU over the
 * batches alone (200 % = both cores of a 2-core machine busy; the wait polls the no-ops' counter every 100 ms and the
 * emulator's call log every 250 ms, so each window ends at most that late). When both batches saturate the machine, the ratio
 * follows the CPU cost ratio: a no-op's total CPU ÷ a recording's.
 */
import { mapLimit, round, sleep } from '../lib/stats';
import { waitFor } from '../../src/dev/wait';
import { cpuProfile } from '../lib/proc';
import { metricSum, scrape, stageMeans } from '../lib/prometheus';
import type { BenchStack } from '../stack';
import { startRecordings, type Log } from './common';

type Side = 'noop' | 'recording';

export interface ThroughputRound {
  /** Which batch ran first in this round. */
  first: Side;
  noopPerSecond: number;
  recordingsPerSecond: number;
  ratio: number;
}

export interface ThroughputResult {
  /** Client concurrency of the start calls (at most `batch` in flight). */
  concurrency: number;
  /** Operations per batch (each side), and the warm-up of each side before the first round. */
  batch: number;
  warmup: number;
  rounds: ThroughputRound[];
  /** The median round's ratio (the measure judged against the goal) and its two rates. */
  ratio: number;
  noopPerSecond: number;
  recordingsPerSecond: number;
  /** CPU per operation, ms, by process (all rounds pooled; tails included). */
  cpuMsPerNoop: Record<string, number>;
  cpuMsPerRecording: Record<string, number>;
  /** Machine CPU, % of one core, mean over the batches of each side (tails excluded). */
  machineCpuNoop: number;
  machineCpuRecordings: number;
  /** Total CPU per no-op ÷ total CPU per recording (every process). */
  cpuCostRatio: number;
  /** The recording worker's stage means (ms) over all rounds, from its Prometheus histograms. */
  recordingWorkerStagesMs: Record<string, number | undefined>;
}

/**
 * The round whose ratio is the median (its rates are reported with it, so that they give the ratio).
 * @throws Error for an even or zero count of rounds (no single median round)
 */
export function medianRound(rounds: ThroughputRound[]): ThroughputRound {
  if (rounds.length % 2 !== 1) throw new Error(`the median round needs an odd count of rounds, got ${rounds.length}`);
  return [...rounds].sort((x, y) => x.ratio - y.ratio)[(rounds.length - 1) / 2]!;
}

/** Warm-up of each side, not measured (the recordings stay live on this stack). */
const WARMUP = 50;
/** Settle time after a batch's own work, counted in its CPU, ms. */
const TAIL_MS = 500;
/** The baseline worker's counter of completed workflows (sdk-core). */
const COMPLETED = 'temporal_workflow_completed';

/**
 * @param o.rounds odd, ≥ 1 (the median is one round)
 * @throws Error when rounds is even, or when a batch does not finish within its bound
 */
export async function runThroughput(
  b: BenchStack,
  o: { rounds: number; batch: number; concurrency: number; log: Log },
): Promise<ThroughputResult> {
  if (!(o.rounds >= 1 && o.rounds % 2 === 1)) throw new Error(`throughput rounds must be odd, got ${o.rounds}`);
  const temporal = b.stack.client.client;
  const tag = Date.now().toString(36);
  let seq = 0;
  // Agora's per-minute uploading_progress is not part of a start; dropped so a long run does not count it.
  await b.emulator.addFault({ kind: 'ncsDrop', eventType: 33 });
  const completed = async () => metricSum(await scrape(b.echoMetricsUrl), COMPLETED) ?? 0;
  const healthz = new URL('/healthz', b.stack.receiverUrl).toString();
  const delivered = async () => {
    const s = ((await (await fetch(healthz)).json()) as { delivery: Record<string, number> }).delivery;
    return (s.signalled ?? 0) + (s.sidHeld ?? 0) + (s.deadLettered ?? 0);
  };

  /** Starts `count` no-op workflows and waits until the baseline worker completed them; the rate comes later. */
  const noops = async (count: number) => {
    const before = await completed();
    const t0 = Date.now();
    const handles = await mapLimit(
      Array.from({ length: count }, () => seq++),
      o.concurrency,
      (i) =>
        temporal.workflow.start('noopWorkflow', {
          taskQueue: b.echoTaskQueue,
          workflowId: `bench-tp-noop-${tag}-${i}`,
        }),
    );
    const done = async () => ((await completed()) >= before + count ? true : undefined);
    await waitFor(`${count} no-op workflows to complete`, done, {
      timeoutMs: 60_000 + count * 200,
      everyMs: 100,
      onError: 'throw',
    });
    await sleep(TAIL_MS);
    return { t0, handles };
  };
  /** No-ops per second: first client call → the last close time (server clock, this machine's). */
  const noopRate = async ({ t0, handles }: Awaited<ReturnType<typeof noops>>): Promise<number> => {
    const closed = await mapLimit(handles, 10, async (h) => {
      await h.result();
      return (await h.describe()).closeTime?.getTime() ?? NaN;
    });
    return handles.length / ((Math.max(...closed) - t0) / 1000);
  };
  /** Starts `count` recordings and waits until each reached Agora's start. @returns recordings per second */
  const recordings = async (count: number): Promise<number> => {
    await b.emulator.clearCalls(); // keeps the polled call log small
    const cnames = Array.from({ length: count }, () => `bench-tp-${tag}-${seq++}`);
    return (await startRecordings(b, cnames, o.concurrency, { pollMs: 250 })).rate;
  };
  /** A recording batch's tail: until the receiver delivered each recording's recorder_started, then TAIL_MS. */
  const recordingTail = async (deliveredBefore: number, count: number) => {
    const done = async () => ((await delivered()) >= deliveredBefore + count ? true : undefined);
    await waitFor(`${count} recorder_started notifications to be delivered`, done, {
      timeoutMs: 60_000,
      everyMs: 250,
      onError: 'throw',
    });
    await sleep(TAIL_MS);
  };

  o.log(`  throughput: warm-up, ${WARMUP} no-op workflows and ${WARMUP} recordings`);
  await noops(WARMUP);
  let d0 = await delivered();
  await recordings(WARMUP);
  await recordingTail(d0, WARMUP);

  const rounds: ThroughputRound[] = [];
  const pooled: Record<Side, { ms: Record<string, number>; machine: number }> = {
    noop: { ms: {}, machine: 0 },
    recording: { ms: {}, machine: 0 },
  };
  /** Adds a window's CPU to a side's total; the machine's % only from the batch itself, not from its tail. */
  const add = (side: Side, p: { cpu: Record<string, number>; seconds: number }, isTail = false) => {
    for (const [name, pct] of Object.entries(p.cpu)) {
      if (name === 'machine') {
        if (!isTail) pooled[side].machine += pct / o.rounds;
      } else pooled[side].ms[name] = (pooled[side].ms[name] ?? 0) + pct * 10 * p.seconds; // % of a core × s → ms
    }
  };
  const stagesBefore = await scrape(b.stack.metricsUrl);
  for (let r = 0; r < o.rounds; r++) {
    const first: Side = r % 2 === 0 ? 'noop' : 'recording';
    let noopPerSecond = 0;
    let recordingsPerSecond = 0;
    const runNoops = async () => {
      const p = await cpuProfile(b.pids, () => noops(o.batch));
      add('noop', p);
      noopPerSecond = await noopRate(p.result);
    };
    const runRecordings = async () => {
      d0 = await delivered();
      const p = await cpuProfile(b.pids, () => recordings(o.batch));
      add('recording', p);
      add('recording', await cpuProfile(b.pids, () => recordingTail(d0, o.batch)), true);
      recordingsPerSecond = p.result;
    };
    if (first === 'noop') {
      await runNoops();
      await runRecordings();
    } else {
      await runRecordings();
      await runNoops();
    }
    const ratio = recordingsPerSecond / noopPerSecond;
    rounds.push({
      first,
      noopPerSecond: round(noopPerSecond, 1),
      recordingsPerSecond: round(recordingsPerSecond, 1),
      ratio: round(ratio),
    });
    o.log(
      `  throughput: round ${r + 1} of ${o.rounds}: ${round(recordingsPerSecond, 1)} recordings/s ÷ ${round(noopPerSecond, 1)} no-ops/s = ${round(ratio)}`,
    );
  }
  const stagesAfter = await scrape(b.stack.metricsUrl);
  const count = o.batch * o.rounds;
  const total = (m: Record<string, number>) => Object.values(m).reduce((s, v) => s + v, 0);
  const perOp = (m: Record<string, number>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v / count, 1)]));
  const mid = medianRound(rounds);
  return {
    concurrency: o.concurrency,
    batch: o.batch,
    warmup: WARMUP,
    rounds,
    ratio: mid.ratio,
    noopPerSecond: mid.noopPerSecond,
    recordingsPerSecond: mid.recordingsPerSecond,
    cpuMsPerNoop: perOp(pooled.noop.ms),
    cpuMsPerRecording: perOp(pooled.recording.ms),
    machineCpuNoop: round(pooled.noop.machine, 1),
    machineCpuRecordings: round(pooled.recording.machine, 1),
    cpuCostRatio: round(total(pooled.noop.ms) / total(pooled.recording.ms)),
    recordingWorkerStagesMs: stageMeans(stagesBefore, stagesAfter),
  };
}
