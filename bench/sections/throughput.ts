/**
 * Start throughput on its own `unthrottled` stack (Agora's QPS limit and quota lifted; a fresh dev server, whose
 * per-operation cost grows with the workflows it holds): recordings started per second ÷ no-op workflows per second.
 *
 * Both sides have the same shape: a batch of `batch` is started at once (client concurrency `concurrency`) and timed
 * from the first client call until the last one is done: for a no-op workflow (`noopWorkflow` on the baseline worker)
 * its result, for a recording its start call arriving at the emulator (acquire + start done). After a warm-up of both
 * (JIT, connections, caches: the first batch of a fresh stack ran ~15 % slower), `rounds` rounds alternate the two
 * batches, the order flipped every round (no-op first, then recordings first, ...), so that drift (the dev server's
 * growth, the shared machine's other load) falls on both sides alike. The ratio is the median of the rounds' ratios.
 *
 * What limits it, measured in the same rounds: each process's CPU per operation (ms), from /proc/<pid>/stat over the
 * batch and its tail (a recording's NCS 40 and 30 arrive RECORDER_STARTUP_MS after its start and are counted with it),
 * and the machine's CPU (200 % = both cores of a 2-core machine busy). When the machine is near saturation in both
 * batches, the ratio is close to the no-op's CPU per operation ÷ the recording's (`cpuCostRatio`).
 */
import { mapLimit, median, round, sleep } from '../lib/stats';
import { cpuProfile } from '../lib/proc';
import { scrape, stageMeans } from '../lib/prometheus';
import { RECORDER_STARTUP_MS, type BenchStack } from '../stack';
import { startRecordings, type Log } from './common';

export interface ThroughputRound {
  /** Which batch ran first in this round. */
  first: 'noop' | 'recordings';
  noopPerSecond: number;
  recordingsPerSecond: number;
  ratio: number;
}

export interface ThroughputResult {
  concurrency: number;
  /** Operations per batch (each side), rounds, and the warm-up of each side before the first round. */
  batch: number;
  warmup: number;
  rounds: ThroughputRound[];
  /** Median of the rounds' ratios: the measure judged against the goal. */
  ratio: number;
  noopPerSecond: number;
  recordingsPerSecond: number;
  /** CPU per operation, ms, by process (all rounds pooled; tails included). */
  cpuMsPerNoop: Record<string, number>;
  cpuMsPerRecording: Record<string, number>;
  /** Machine CPU, % of one core, mean over the batches of each side. */
  machineCpuNoop: number;
  machineCpuRecordings: number;
  /** Sum of the processes' CPU per no-op ÷ per recording. */
  cpuCostRatio: number;
  /** Worker-side means (ms) over the recording batches, from the worker's Prometheus histograms. */
  recordingWorkerStagesMs: Record<string, number | undefined>;
}

/** Warm-up of each side, not measured (the recordings stay live on this stack). */
const WARMUP = 50;

export async function runThroughput(
  b: BenchStack,
  o: { rounds: number; batch: number; concurrency: number; log: Log },
): Promise<ThroughputResult> {
  const temporal = b.stack.client.client;
  const tag = Date.now().toString(36);
  let seq = 0;
  // Agora's per-minute uploading_progress is not part of a start; dropped so a long run does not count it.
  await b.emulator.addFault({ kind: 'ncsDrop', eventType: 33 });

  /** Starts `count` no-op workflows, then waits for every result. @returns no-ops per second */
  const noops = async (count: number): Promise<number> => {
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
    await mapLimit(handles, o.concurrency, (h) => h.result());
    return count / ((Date.now() - t0) / 1000);
  };
  /** Starts `count` recordings and waits until each reached Agora's start. @returns recordings per second */
  const recordings = async (count: number): Promise<number> => {
    await b.emulator.clearCalls(); // keeps the polled call log small
    const cnames = Array.from({ length: count }, () => `bench-tp-${tag}-${seq++}`);
    return (await startRecordings(b, cnames, o.concurrency, { pollMs: 250 })).rate;
  };
  /** The recordings' tail: their NCS 40 and 30, RECORDER_STARTUP_MS after each start. */
  const tail = () => sleep(RECORDER_STARTUP_MS + 1_000);

  o.log(`  throughput: warm-up, ${WARMUP} no-op workflows and ${WARMUP} recordings`);
  await noops(WARMUP);
  await recordings(WARMUP);
  await tail();

  const rounds: ThroughputRound[] = [];
  const pooled = {
    noop: { ms: {} as Record<string, number>, machine: 0 },
    rec: { ms: {} as Record<string, number>, machine: 0 },
  };
  /** Adds a window's CPU to a side's total; the machine's % only from the batch itself (`tail` false). */
  const add = (side: 'noop' | 'rec', p: { cpu: Record<string, number>; seconds: number }, isTail = false) => {
    for (const [name, pct] of Object.entries(p.cpu)) {
      if (name === 'machine') {
        if (!isTail) pooled[side].machine += pct / o.rounds;
      } else pooled[side].ms[name] = (pooled[side].ms[name] ?? 0) + pct * 10 * p.seconds; // % of a core × s → ms
    }
  };
  const stagesBefore = await scrape(b.stack.metricsUrl);
  for (let r = 0; r < o.rounds; r++) {
    const first = r % 2 === 0 ? 'noop' : 'recordings';
    let noopRate = 0;
    let recRate = 0;
    const runNoops = async () => {
      const p = await cpuProfile(b.pids, () => noops(o.batch));
      noopRate = p.result;
      add('noop', p);
    };
    const runRecordings = async () => {
      const p = await cpuProfile(b.pids, () => recordings(o.batch));
      recRate = p.result;
      add('rec', p);
      add('rec', await cpuProfile(b.pids, tail), true);
    };
    if (first === 'noop') {
      await runNoops();
      await runRecordings();
    } else {
      await runRecordings();
      await runNoops();
    }
    const ratio = recRate / noopRate;
    rounds.push({
      first,
      noopPerSecond: round(noopRate, 1),
      recordingsPerSecond: round(recRate, 1),
      ratio: round(ratio),
    });
    o.log(
      `  throughput: round ${r + 1} of ${o.rounds}: ${round(recRate, 1)} recordings/s ÷ ${round(noopRate, 1)} no-ops/s = ${round(ratio)}`,
    );
  }
  const stagesAfter = await scrape(b.stack.metricsUrl);
  const perOp = (ms: Record<string, number>) => {
    const count = o.batch * o.rounds;
    return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, round(v / count, 1)]));
  };
  const cpuMsPerNoop = perOp(pooled.noop.ms);
  const cpuMsPerRecording = perOp(pooled.rec.ms);
  const total = (m: Record<string, number>) => Object.values(m).reduce((s, v) => s + v, 0);
  return {
    concurrency: o.concurrency,
    batch: o.batch,
    warmup: WARMUP,
    rounds,
    ratio: round(median(rounds.map((x) => x.ratio))),
    noopPerSecond: round(median(rounds.map((x) => x.noopPerSecond)), 1),
    recordingsPerSecond: round(median(rounds.map((x) => x.recordingsPerSecond)), 1),
    cpuMsPerNoop,
    cpuMsPerRecording,
    machineCpuNoop: round(pooled.noop.machine, 1),
    machineCpuRecordings: round(pooled.rec.machine, 1),
    cpuCostRatio: round(total(cpuMsPerNoop) / total(cpuMsPerRecording)),
    recordingWorkerStagesMs: stageMeans(stagesBefore, stagesAfter),
  };
}
