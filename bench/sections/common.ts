/** Shared pieces of the bench sections: the recording input, distinct layouts, call-log grouping. */
import type { CallLogEntry } from '../../src/emulator';
import type { StartRecordingInput } from '../../src/client';
import type { MixLayout } from '../../src/contract';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { callCname } from '../lib/emulator';
import type { BenchStack } from '../stack';
import { mapLimit, percentile } from '../lib/stats';
import { waitFor } from '../../src/dev/wait';

/** Where progress lines go. */
export type Log = (line: string) => void;

/**
 * A mix recording that stays in the recording state while idle: a one-day maxIdleTime (nobody joins the bench
 * channels), the emulator's `demo` storage profile, a four-hour limit.
 */
export function benchInput(cname: string): StartRecordingInput {
  return {
    cname,
    mode: 'mix',
    recordingConfig: {
      channelType: 0,
      maxIdleTime: 86_400,
      transcodingConfig: { width: 640, height: 360, fps: 15, bitrate: 500, mixedVideoLayout: 1 },
    },
    recordingFileConfig: { avFileType: ['hls'] },
    storage: { profile: 'demo', fileNamePrefix: ['bench'] },
    policy: { maxDurationSeconds: 14_400, uploadTimeoutSeconds: 120 },
  };
}

/** Layout number `i`: distinct for each i (the background colour encodes it), so calls can be matched to signals. */
export function layoutNo(i: number): MixLayout {
  return {
    mixedVideoLayout: 3,
    backgroundColor: `#${(i + 1).toString(16).padStart(6, '0')}`,
    layoutConfig: [{ uid: '1001', x_axis: 0, y_axis: 0, width: 1, height: 1 }],
  };
}

/** The layout number of an updateLayout call, from its body's background colour. */
export function layoutNoOf(c: CallLogEntry): number | undefined {
  const b = c.body as { clientRequest?: { backgroundColor?: unknown } } | undefined;
  const color = b?.clientRequest?.backgroundColor;
  return typeof color === 'string' && color.startsWith('#') ? parseInt(color.slice(1), 16) - 1 : undefined;
}

/**
 * Groups Agora calls by recording (cname): calls with a body name it; query (GET) calls are matched through the
 * resourceId of that recording's start call.
 */
export function callsByCname(calls: CallLogEntry[]): Map<string, CallLogEntry[]> {
  const byResource = new Map<string, string>();
  for (const c of calls) {
    const cname = callCname(c);
    if (cname && c.resourceId) byResource.set(c.resourceId, cname);
  }
  const out = new Map<string, CallLogEntry[]>();
  for (const c of calls) {
    if (!c.endpoint) continue;
    const cname = callCname(c) ?? (c.resourceId ? byResource.get(c.resourceId) : undefined);
    if (!cname) continue;
    const list = out.get(cname) ?? [];
    list.push(c);
    out.set(cname, list);
  }
  return out;
}

/** First successful (2xx) call of `endpoint` in `calls`. */
export function firstOk(calls: CallLogEntry[], endpoint: string): CallLogEntry | undefined {
  return calls.find((c) => c.endpoint === endpoint && c.httpStatus !== null && c.httpStatus < 300);
}

/** acquire answered → start arrived, ms, per recording (the last acquire before the successful start). */
export function acquireStartGaps(groups: Map<string, CallLogEntry[]>): number[] {
  const gaps: number[] = [];
  for (const list of groups.values()) {
    const start = firstOk(list, 'start');
    if (!start) continue;
    const acquire = list.filter((c) => c.endpoint === 'acquire' && c.httpStatus === 200 && c.seq < start.seq).pop();
    if (acquire?.answeredAt !== undefined) gaps.push(start.at - acquire.answeredAt);
  }
  return gaps;
}

/** p50 and p99 of each part of the acquire → start gap, ms (see {@link gapParts}). */
export type GapBreakdown = Record<
  'toTaskCompleted' | 'toActivityStarted' | 'toStartCall',
  { p50: number; p99: number }
>;

/**
 * Where the acquire → start gap goes, per recording, from the emulator's call log and the workflow's history (server
 * event times; the emulator, the server and the bench share this machine's clock):
 * - toTaskCompleted: acquire answered → WorkflowTaskCompleted of the task that ran the local acquire (worker: the
 *   activation after the local activity, the completion's trip to the server and its wait there);
 * - toActivityStarted: → ActivityTaskStarted of the start (server: the completion's processing, eager dispatch);
 * - toStartCall: → start arriving at the emulator (the completion's persistence and answer, the worker's dispatch of
 *   the eager activity, the Agora client).
 */
export async function gapParts(
  client: Client,
  recordings: { workflowId: string; cname: string }[],
  groups: Map<string, CallLogEntry[]>,
): Promise<GapBreakdown> {
  const parts = { toTaskCompleted: [] as number[], toActivityStarted: [] as number[], toStartCall: [] as number[] };
  type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];
  const ms = (e: HistoryEvent) =>
    Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
  await mapLimit(recordings, 10, async (r) => {
    const list = groups.get(r.cname) ?? [];
    const start = firstOk(list, 'start');
    const acquire = list
      .filter((c) => c.endpoint === 'acquire' && c.httpStatus === 200 && start && c.seq < start.seq)
      .pop();
    if (!start || acquire?.answeredAt === undefined) return;
    const events = (await client.workflow.getHandle(r.workflowId).fetchHistory()).events ?? [];
    // The start that succeeded: the first completed start activity, its scheduling and its (last) attempt's start.
    const id = (v: unknown) => Number(v ?? 0);
    const startIds = new Set(
      events
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'start')
        .map((e) => id(e.eventId)),
    );
    const done = events.find((e) => startIds.has(id(e.activityTaskCompletedEventAttributes?.scheduledEventId)));
    const scheduledId = id(done?.activityTaskCompletedEventAttributes?.scheduledEventId);
    const scheduled = events.find((e) => id(e.eventId) === scheduledId);
    const started = events.find((e) => id(e.activityTaskStartedEventAttributes?.scheduledEventId) === scheduledId);
    const completed = events
      .filter((e) => e.workflowTaskCompletedEventAttributes && Number(e.eventId) < Number(scheduled?.eventId ?? 0))
      .pop();
    if (!scheduled || !started || !completed) return;
    parts.toTaskCompleted.push(ms(completed) - acquire.answeredAt);
    parts.toActivityStarted.push(ms(started) - ms(completed));
    parts.toStartCall.push(start.at - ms(started));
  });
  const pp = (v: number[]) => ({ p50: percentile(v, 50), p99: percentile(v, 99) });
  return {
    toTaskCompleted: pp(parts.toTaskCompleted),
    toActivityStarted: pp(parts.toActivityStarted),
    toStartCall: pp(parts.toStartCall),
  };
}

/** "a p50/p99 ms, b …" of a {@link GapBreakdown}. */
export function describeGapParts(g: GapBreakdown): string {
  const names = {
    toTaskCompleted: 'to the task completed',
    toActivityStarted: 'to the start activity started',
    toStartCall: 'to the start call',
  };
  return (Object.keys(names) as (keyof GapBreakdown)[]).map((k) => `${names[k]} ${g[k].p50}/${g[k].p99}`).join(', ');
}

/**
 * Starts `cnames` (client concurrency `c`) and waits until each reached Agora's start (the emulator's call log, polled
 * every `pollMs`, 1 s by default); the rate runs from the first client call to the arrival of the last recording's
 * first start call answered 200 (the call log's `at`, the emulator's clock: this machine's wall clock), so the poll
 * does not count.
 * @returns the rate (recordings/s) and the started recordings
 */
export async function startRecordings(
  b: BenchStack,
  cnames: string[],
  c: number,
  o: { input?: (cname: string) => StartRecordingInput; pollMs?: number } = {},
): Promise<{ rate: number; started: { workflowId: string; cname: string }[] }> {
  const input = o.input ?? benchInput;
  const t0 = Date.now();
  const started = await mapLimit(cnames, c, (cname) => b.stack.client.start(input(cname)));
  const want = new Set(cnames);
  /** Each recording's first start call answered 200 (a retried start may log two). */
  const firstStart = new Map<string, number>();
  await waitFor(
    `${cnames.length} recordings to reach Agora's start`,
    async () => {
      for (const x of await b.emulator.calls()) {
        const cname = (x.body as { cname?: string } | undefined)?.cname ?? '';
        if (x.endpoint !== 'start' || x.httpStatus !== 200 || !want.has(cname)) continue;
        firstStart.set(cname, Math.min(firstStart.get(cname) ?? Infinity, x.at));
      }
      return firstStart.size >= cnames.length ? true : undefined;
    },
    { timeoutMs: 120_000 + cnames.length * 200, everyMs: o.pollMs ?? 1_000, onError: 'throw' },
  );
  const end = Math.max(...firstStart.values());
  return { rate: cnames.length / ((end - t0) / 1000), started };
}
