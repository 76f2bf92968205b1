/** Reads a Prometheus text exposition (the worker's METRICS_BIND_ADDRESS `/metrics`). */

/** Sum of every sample of `name` (all label sets); undefined when the metric is absent. */
export function metricSum(text: string, name: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const v = Number(m[3]);
    if (Number.isFinite(v)) sum = (sum ?? 0) + v;
  }
  return sum;
}

/** Fetches the metrics page. */
export async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.text();
}

/** Names of the metrics present (for the report when an expected one is missing). */
export function metricNames(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
    if (m && !line.startsWith('#')) names.add(m[1]!);
  }
  return [...names].sort();
}

/**
 * Sum and count of a histogram whose name starts with `base` (the exporter may add a unit, e.g. `_seconds`), in ms.
 * undefined when absent.
 */
export function histogram(text: string, base: string): { sumMs: number; count: number } | undefined {
  let sum: number | undefined;
  let count: number | undefined;
  let seconds = false;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || !m[1]!.startsWith(base)) continue;
    const v = Number(m[3]);
    if (m[1]!.endsWith('_sum')) {
      sum = (sum ?? 0) + v;
      seconds ||= m[1]!.includes('_seconds');
    } else if (m[1]!.endsWith('_count')) count = (count ?? 0) + v;
  }
  if (sum === undefined || count === undefined) return undefined;
  return { sumMs: seconds ? sum * 1000 : sum, count };
}

/** Mean in ms of a histogram between two scrapes (undefined when absent or no new samples). */
export function histogramMeanBetween(before: string, after: string, base: string): number | undefined {
  const a = histogram(before, base) ?? { sumMs: 0, count: 0 };
  const b = histogram(after, base);
  if (!b || b.count <= a.count) return undefined;
  return (b.sumMs - a.sumMs) / (b.count - a.count);
}

/** Worker histograms that split a round trip into queueing and execution, by stage. */
export const STAGES = {
  workflowTaskScheduleToStart: 'temporal_workflow_task_schedule_to_start_latency',
  workflowTaskExecution: 'temporal_workflow_task_execution_latency',
  activityScheduleToStart: 'temporal_activity_schedule_to_start_latency',
  activityExecution: 'temporal_activity_execution_latency',
} as const;

/** Mean ms of each {@link STAGES} histogram between two scrapes, rounded to 0.1 ms. */
export function stageMeans(before: string, after: string): Record<string, number | undefined> {
  return Object.fromEntries(
    Object.entries(STAGES).map(([k, name]) => {
      const v = histogramMeanBetween(before, after, name);
      return [k, v === undefined ? undefined : Math.round(v * 10) / 10];
    }),
  );
}
