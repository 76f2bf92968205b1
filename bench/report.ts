/** The goals of issue 7, judged on one run's results, and the markdown table. */
import type { DensityResult } from './sections/density';
import type { EconomyResult } from './sections/economy';
import type { HistoryResult } from './sections/history';
import type { LatencyResult } from './sections/latency';
import type { ThroughputResult } from './sections/throughput';
import { describeGapParts } from './sections/common';

export interface BenchResults {
  meta: {
    startedAt: string;
    finishedAt: string;
    command: string;
    mode: 'default' | 'full';
    commit: string;
    node: string;
    cpus: number;
    cpuModel: string;
    memGiB: number;
    options: Record<string, unknown>;
  };
  history?: HistoryResult;
  latency?: LatencyResult;
  economy?: EconomyResult;
  throughput?: ThroughputResult;
  density?: DensityResult;
  errors: { section: string; message: string }[];
}

export interface Row {
  measure: string;
  value: string;
  goal: string;
  verdict: 'met' | 'not met' | '—';
  note: string;
}

const yes = (ok: boolean): Row['verdict'] => (ok ? 'met' : 'not met');

/** One row per measure; goals from issue 7. */
export function rows(r: BenchResults): Row[] {
  const out: Row[] = [];
  const t = r.throughput;
  if (t) {
    const ms = (m: Record<string, number>) =>
      `${cpus(m)} (total ${round1(Object.values(m).reduce((a, v) => a + v, 0))})`;
    out.push({
      measure: 'Start throughput: recordings ÷ no-op workflows',
      value: `${t.ratio} (median of ${t.rounds.length} round${t.rounds.length === 1 ? '' : 's'}: ${t.rounds.map((x) => x.ratio).join(', ')}; that round ${t.recordingsPerSecond}/s ÷ ${t.noopPerSecond}/s)`,
      goal: '≥ 0.5',
      verdict: yes(t.ratio >= 0.5),
      note: `batches of ${t.batch} started at once (client concurrency ${Math.min(t.concurrency, t.batch)}), one of each per round, the order flipped every round, after ${t.warmup} of each; recording = first client call → the last start request at the emulator (acquire answered), Agora limits lifted; no-op = first client call → the last close time. CPU ms per operation, by process, tails included: recording ${ms(t.cpuMsPerRecording)}; no-op ${ms(t.cpuMsPerNoop)}; cost ratio ${t.cpuCostRatio} (no-op ÷ recording); machine CPU while recordings start ${t.machineCpuRecordings} %, while no-ops run ${t.machineCpuNoop} % (% of a core, ${r.meta.cpus * 100} = all ${r.meta.cpus} cores); recording worker means over the rounds: ${latencies(t.recordingWorkerStagesMs)}`,
    });
  }
  const d = r.density;
  if (d) {
    const maxN = d.steps[d.steps.length - 1]?.n ?? 0;
    const ns = d.steps.map((s) => s.n).join(', ');
    out.push({
      measure: `Worker RSS per live recording (slope over N = ${ns})`,
      value: `${d.rssSlopeKiBPerRecording} KiB (r² ${d.rssFitR2})`,
      goal: '≤ 256 KiB at N = 2000',
      verdict: maxN >= 2000 ? yes(d.rssSlopeKiBPerRecording <= 256) : '—',
      note:
        `floor: a bare idle workflow costs the baseline worker ${d.bareWorkflowKiB} KiB (${d.bareWorkflows} cached); ` +
        `RSS ${d.steps.map((s) => `${s.n}: ${(s.rssKiB / 1024).toFixed(0)} MiB`).join(', ')}` +
        (maxN < 2000 ? `; no verdict: the goal is judged at N = 2000 (\`--full\`), the largest N here is ${maxN}` : ''),
    });
    out.push({
      measure: `Sticky-cache forced evictions at N = ${maxN}`,
      value: String(d.evictionsAtMax ?? 'n/a'),
      goal: '0',
      verdict: d.evictionsAtMax === undefined || maxN < 2000 ? '—' : yes(d.evictionsAtMax === 0),
      note:
        `worker Prometheus \`${d.evictionMetric}\`; cache size ${d.steps[d.steps.length - 1]?.stickyCacheSize ?? '?'}` +
        (maxN < 2000 ? '; no verdict: the goal is judged at N = 2000 (`--full`)' : ''),
    });
    out.push({
      measure: `Idle worker CPU, N = ${maxN}, no NCS traffic, health checks at the steady-state rate`,
      value: `${d.idleCpuPercentQuiet} % of a core`,
      goal: '≤ 2 %',
      verdict: yes(d.idleCpuPercentQuiet <= 2),
      note: `/proc/<pid>/stat over ${d.idleWindowSeconds} s, ${d.idleDrainSeconds ?? 0} s after the last step settled (the start-up work and V8's memory-reducer GCs pass); uploading_progress dropped at the emulator; health checks at their steady-state rate: ${d.healthProbes ? `${d.healthProbes.recordings} of the ${maxN} recordings check every ${d.healthProbes.everySeconds} s (${round1(d.healthProbes.recordings / d.healthProbes.everySeconds)}/s, as ${maxN} reach with the default 30 min), each one timer, one workflow task and one local query; ${d.healthProbes.queriesInQuietWindow} queries reached the emulator in the window` : 'none in the window (the recordings are younger than the 30 min cadence)'}`,
    });
    out.push({
      measure: `Idle worker CPU, N = ${maxN}, with Agora's per-minute uploading_progress`,
      value: `${d.idleCpuPercentWithProgress} % of a core`,
      goal: '≤ 2 %',
      verdict: yes(d.idleCpuPercentWithProgress <= 2),
      note: `/proc over ${d.progressWindowSeconds} s, with the same health checks: ${round1(maxN / 60)} NCS notifications/s reach the receiver (one per recording per minute), which acknowledges them without signalling (progress below 10000); CPU % of a core: ${cpus(d.cpuIdleWithProgress)}`,
    });
    out.push({
      measure: 'acquire → start gap p99, density ramp (Agora limits lifted)',
      value: `${d.acquireStartGapMs.p99} ms (p50 ${d.acquireStartGapMs.p50})`,
      goal: '≤ 250 ms',
      verdict: yes(d.acquireStartGapMs.p99 <= 250),
      note: `emulator call log: acquire answered → start arrived, all ${d.steps[d.steps.length - 1]?.n ?? '?'} recordings; the parts, p50/p99 ms, for the first step's recordings (history event times): ${d.acquireStartGapParts ? describeGapParts(d.acquireStartGapParts) : '?'}; worker means while starting: ${latencies(d.startPhaseLatencyMs)}`,
    });
  }
  const e = r.economy;
  if (e) {
    out.push({
      measure: `Agora calls per lifecycle ÷ minimum (${e.minimumCallsPerLifecycle}: acquire, start, ${e.layoutsPerRecording} layouts, stop)`,
      value: `${e.callRatio} (mean ${e.callsPerLifecycle.mean}, max ${e.callsPerLifecycle.max})`,
      goal: '1.00',
      verdict: yes(e.callRatio <= 1.0),
      note: `${e.recordings} recordings; ${e.extraCalls} calls above the minimum, ${e.rateLimited429} answered 429 (each retried); ${Object.entries(
        e.callsByEndpoint,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; endings ${Object.entries(e.endings)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    });
    out.push({
      measure: `429s starting ${e.recordings} recordings at once (10 req/s limit)`,
      value: String(e.rateLimited429),
      goal: '0',
      verdict: yes(e.rateLimited429 === 0),
      note: `by endpoint: ${
        Object.entries(e.rateLimited429ByEndpoint)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none'
      }; emulator: 10 requests per sliding real second per App ID; worker: the Agora client's limiter, ${e.workerRequestsPerSecond} requests per 1.1 s (AGORA_REQUESTS_PER_SECOND)`,
    });
    out.push({
      measure: 'acquire → start gap p99, burst at Agora limits',
      value: `${e.acquireStartGapMs.p99} ms (p50 ${e.acquireStartGapMs.p50}, max ${e.acquireStartGapMs.max})`,
      goal: '≤ 250 ms',
      verdict: yes(e.acquireStartGapMs.p99 <= 250),
      note: `${e.recordings} recordings started at once; the resourceId lives 300 s`,
    });
    out.push({
      measure: 'Workflow start → Agora start, burst at Agora limits',
      value: `p50 ${e.startToAgoraStartMs.p50} ms, p99 ${e.startToAgoraStartMs.p99} ms`,
      goal: '—',
      verdict: '—',
      note: `${e.recordings} recordings × 2 calls; worker rate ${e.workerRequestsPerSecond}/s`,
    });
  }
  const h = r.history;
  if (h) {
    out.push({
      measure: 'History events per recording-hour at rest (workflow only)',
      value: String(h.restEventsPerHour),
      goal: '≤ 12',
      verdict: yes(h.restEventsPerHour <= 12),
      note: `time-skipping server, ${h.restHours} h; per hour: ${Object.entries(h.restHourEventTypes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    });
    out.push({
      measure: 'History events per recording-hour at rest, with Agora’s per-minute uploading_progress',
      value: String(h.restEventsPerHourWithProgress),
      goal: '≤ 12',
      verdict: yes(h.restEventsPerHourWithProgress <= 12),
      note: `one NCS 33 per minute through the receiver’s filter: ${h.progressSignalled} of 60 signalled (progress below 10000 is acknowledged, not signalled)`,
    });
    out.push({
      measure: 'History events per lifecycle (1 layout, no NCS)',
      value: String(h.lifecycleEvents),
      goal: '≤ 40',
      verdict: yes(h.lifecycleEvents <= 40),
      note: `start → recording → layout → stop → uploaded, each step its own workflow task: ${Object.entries(
        h.lifecycleEventTypes,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    });
    out.push({
      measure: `History events per lifecycle (1 layout, with the session’s NCS: ${h.ncsDelivered} of 9 signalled)`,
      value: String(h.lifecycleEventsWithNcs),
      goal: '≤ 40',
      verdict: yes(h.lifecycleEventsWithNcs <= 40),
      note: 'NCS 40, 30, then 42, 4, 3 (status 5) when a participant publishes, before the layout; 41, 33, 31, 11 after the stop, each signalled only if the receiver would: not 30, 42, 4 (not acted on), not 3 with status 4 or 5 (the task runs), not 40 once the workflow holds its sid (`holdsSid`), not after the workflow closed (a sync stop that reports the upload completes it first); each step its own workflow task',
    });
  }
  const l = r.latency;
  if (l) {
    out.push({
      measure: 'Signal → updateLayout at the emulator, p99 ÷ echo p99',
      value: `${l.p99Ratio} (${l.recordingMs.p99} ms ÷ ${l.echoMs.p99} ms)`,
      goal: '≤ 1.25',
      verdict: yes(l.p99Ratio <= 1.25),
      note: `${l.samples} samples each, interleaved; p50 ${l.recordingMs.p50} ms vs echo ${l.echoMs.p50} ms (ratio ${l.p50Ratio}); stage means, recording worker: ${latencies(l.stagesRecordingWorker)}; baseline worker: ${latencies(l.stagesBaselineWorker)}`,
    });
    out.push({
      measure: 'Workflow start → Agora start, one recording on a quiet stack',
      value: `${l.startToAgoraStartMs} ms`,
      goal: '—',
      verdict: '—',
      note: 'client start call → start arriving at the emulator',
    });
  }
  for (const err of r.errors) {
    out.push({ measure: `${err.section} (failed)`, value: 'error', goal: '—', verdict: '—', note: err.message });
  }
  return out;
}

const latencies = (m: Record<string, number | undefined>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${v ?? '?'} ms`)
    .join(', ');

const cpus = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

const round1 = (v: number) => Math.round(v * 10) / 10;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The markdown table (with a header line naming the run). */
export function markdown(r: BenchResults): string {
  const lines = [
    `Run ${r.meta.finishedAt} (${r.meta.mode}; commit ${r.meta.commit}; ${r.meta.cpus} cores, ${r.meta.memGiB} GiB, ${r.meta.cpuModel}; Node ${r.meta.node}): \`${r.meta.command}\``,
    '',
    '| Measure | Value | Goal | Verdict | Note |',
    '| --- | --- | --- | --- | --- |',
    ...rows(r).map(
      (x) => `| ${cell(x.measure)} | ${cell(x.value)} | ${cell(x.goal)} | ${x.verdict} | ${cell(x.note)} |`,
    ),
  ];
  return lines.join('\n') + '\n';
}
