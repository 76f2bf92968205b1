/**
 * The six invariants of issue 17, as pure checks on the facts one seed left (test/sim/driver.ts SeedFacts) and its
 * scenario. Each returns the violations it found (empty: it holds); a seed can violate several.
 */
import type { RecordingResult } from '../../src/contract';
import type { CallLogEntry } from '../../src/emulator';
import type { SeedFacts } from './driver';
import { closeBoundMs, type Scenario } from './scenario';

export const invariantNames = {
  1: 'no task left recording after close unless taskMayStillRun',
  2: "every file Agora reported is in the result's fileList, or pending",
  3: "the ending agrees with the emulator's truth",
  4: 'one live task per (cname, uid); at most one start that took',
  5: 'no workflow task failure; closes within its bound',
  6: `Agora calls within ${CALL_BOUND_FACTOR()}x the minimum; no 429 beyond injected faults`,
} as const;
export type InvariantId = keyof typeof invariantNames;
export const invariantIds = Object.keys(invariantNames).map(Number) as InvariantId[];

/** The bound of invariant 6: calls ÷ minimum. */
export function CALL_BOUND_FACTOR(): number {
  return 5;
}

/** Two events within this many ms of each other are a race that may end either way (invariant 3). */
export const RACE_MS = 2_000;

export interface Violation {
  invariant: InvariantId;
  message: string;
}

/** What the facts say, per invariant. */
export function checkInvariants(s: Scenario, f: SeedFacts): Violation[] {
  return [
    ...noOrphan(f),
    ...filesKept(f),
    ...endingAgrees(s, f),
    ...oneTask(f),
    ...healthyAndBounded(s, f),
    ...callBudget(s, f),
  ];
}

const v = (invariant: InvariantId, message: string): Violation => ({ invariant, message });

/** 1. No task still recording when the workflow closed, unless the result says taskMayStillRun. */
export function noOrphan(f: SeedFacts): Violation[] {
  if (!f.closed) return [];
  const live = f.tasksAtClose.filter((t) => t.phase === 'recording');
  if (live.length === 0 || f.result?.taskMayStillRun === true) return [];
  return [
    v(
      1,
      `workflow closed (${f.result?.ending ?? f.closeStatus}) while task ${live.map((t) => t.sid).join(', ')} was still recording, without taskMayStillRun`,
    ),
  ];
}

/** The result admits that the files are not final. */
function filesPending(r: RecordingResult): boolean {
  return (
    (r.uploadingStatus !== 'uploaded' && r.uploadingStatus !== 'backuped') || r.lastError?.type === 'UploadTimeout'
  );
}

/** 2. Every file the emulator reported for a task that finished uploading is in the result, or said pending. */
export function filesKept(f: SeedFacts): Violation[] {
  const r = f.result;
  if (!r) return [];
  const out: Violation[] = [];
  const listed = new Set(r.fileList.map((e) => e.fileName));
  for (const t of f.tasksAfter) {
    const truth = f.filesBySid[t.sid] ?? [];
    if (truth.length === 0) continue;
    const missing = truth.filter((name) => !listed.has(name));
    if (missing.length === 0 || filesPending(r)) continue;
    out.push(
      v(
        2,
        `task ${t.sid}: ${missing.length} of ${truth.length} files missing from the result (uploadingStatus ${r.uploadingStatus ?? 'none'}, ending ${r.ending}): ${missing.slice(0, 2).join(', ')}`,
      ),
    );
  }
  return out;
}

/** A stop call whose answer an injected fault took away (dropped or replaced): from the workflow's side it may have taken. */
const lostStopAnswer = (c: CallLogEntry): boolean =>
  c.endpoint === 'stop' && c.fault !== undefined && c.fault !== 'latency';

/**
 * 3. The ending agrees with what happened at Agora (the emulator's tasks) and what the caller asked:
 * - no task ever took: `failed` (start impossible); `cancelled` if cancelled; `no_content` if a stop came first;
 * - a task still recording at close: only `failed` (the workflow could not stop it);
 * - the task was ended by a stop call: `cancelled` if a cancellation came before the task ended, else `completed`
 *   when it recorded something and `no_content` when it did not (or `cancelled` if a cancellation came before the
 *   run closed); `exited` too when that stop's answer was replaced by an injected 400/49 (Agora said "already
 *   exiting", and no later answer contradicts it); `completed` with no files too when it recorded nothing but that
 *   stop's 206/435 answer was lost to a fault (nothing else tells the workflow there was no content);
 * - the task ended by itself (idle, maxRecordingHour) before any stop took: `exited` (`no_content` too if it recorded
 *   nothing); a stop or cancel request within {@link RACE_MS} of that exit may also end `completed` / `no_content` /
 *   `cancelled` (both answers are true: the caller stopped and Agora left at the same instant).
 * Also: the result names the task that took (its sid), unless no task took.
 */
export function endingAgrees(s: Scenario, f: SeedFacts): Violation[] {
  const r = f.result;
  if (!f.closed) return [];
  if (!r) return [v(3, `workflow closed ${f.closeStatus} without a result (Agora failures must be results)`)];
  const tasks = f.tasksAtClose;
  const allowed = new Set<string>();
  const why: string[] = [];
  const cancelAt = f.cancelRequestedAt;
  const stopAt = f.stopRequestedAt;
  // Agora answered a start "already started" (code 7) without the sid and nothing ever gave it (NCS lost): the
  // workflow cannot query or stop what it cannot name, so `failed` with taskMayStillRun is the honest ending.
  if (r.ending === 'failed' && r.sid === undefined && r.taskMayStillRun === true) return [];
  if (tasks.length === 0) {
    allowed.add('failed');
    if (cancelAt !== undefined) allowed.add('cancelled');
    if (stopAt !== undefined || cancelAt !== undefined) allowed.add('no_content');
    why.push('no task took');
  } else {
    const t = tasks[tasks.length - 1]!;
    const content = t.firstSliceAt !== undefined;
    if (t.phase === 'recording') {
      allowed.add('failed');
      why.push('the task was still recording at close');
    } else if (t.endReason === 'stopped') {
      if (cancelAt !== undefined && cancelAt <= (t.exitedAt ?? Infinity)) allowed.add('cancelled');
      else {
        allowed.add(content ? 'completed' : 'no_content');
        // A cancellation that came after the stop took but before the run closed (during the upload wait) may be
        // reported: the workflow was cancelled.
        if (cancelAt !== undefined && cancelAt <= (f.closedAt ?? Infinity)) allowed.add('cancelled');
      }
      // The stop that took was answered 400/49 ("already exiting") by an injected fault: Agora's own answer said the
      // task was ending before it, and nothing the workflow can see says otherwise, so `exited` is true to its answers.
      const tookAs49 = f.calls.some(
        (c) =>
          c.endpoint === 'stop' &&
          c.fault !== undefined &&
          c.code === 49 &&
          (c.committed?.httpStatus === 200 || c.committed?.httpStatus === 206),
      );
      if (tookAs49) allowed.add('exited');
      // The stop that took lost its answer (dropped, or replaced by an injected error) after Agora had answered a query
      // or stop with 404/49: the workflow saw signs of Agora's exit and no answer of its own stop, so "Agora ended it"
      // is as true to what it saw as "our stop did" (sim seed 1653: query 404s beyond the window, stop 404s, a stop
      // that took answered 206/65, then 49).
      const tookAt = f.calls.findIndex(
        (c) =>
          c.endpoint === 'stop' &&
          (c.fault === undefined || c.fault === 'latency'
            ? c.httpStatus === 200 || c.httpStatus === 206
            : c.committed?.httpStatus === 200 || c.committed?.httpStatus === 206),
      );
      const took = f.calls[tookAt];
      const signsBefore = f.calls
        .slice(0, Math.max(0, tookAt))
        .some(
          (c) =>
            (c.endpoint === 'stop' || c.endpoint === 'query') &&
            c.fault === undefined &&
            (c.httpStatus === 404 || c.code === 49),
        );
      if (took !== undefined && lostStopAnswer(took) && signsBefore) allowed.add('exited');
      // The stop that took lost its answer (dropped, or replaced by an injected error) and the retry met the ending
      // task (49/404): only that lost answer (206/435) said "nothing was recorded", so `completed` with no files is as
      // true to what the workflow could see as `no_content` (sim seed 1051).
      const lostNoContent =
        !content &&
        f.calls.some((c) => lostStopAnswer(c) && c.committed?.httpStatus === 206 && c.committed.code === 435);
      if (lostNoContent && r.fileList.length === 0) allowed.add('completed');
      why.push(
        `a stop took at +${(t.exitedAt ?? 0) - f.startedAt} ms (${content ? 'with' : 'without'} content${tookAs49 ? ', answered 49 by a fault' : ''}${lostNoContent ? ', its 435 lost' : ''})`,
      );
    } else {
      allowed.add('exited');
      if (!content) allowed.add('no_content');
      // A stop attempt lost its answer to an injected fault: from the workflow's side it may have taken, so "our stop
      // ended it" is as true to what it could see as Agora's exit, before any 49/404 (sim seed 298) or after 404s, which
      // may be a failover the task came back from (sim seed 1530: 404s, a dropped stop, 404s to the expiry).
      if (f.calls.some(lostStopAnswer)) {
        allowed.add(content ? 'completed' : 'no_content');
        // Nothing told the workflow whether the task recorded (a 404 says nothing about content).
        if (!content && r.fileList.length === 0) allowed.add('completed');
        if (cancelAt !== undefined) allowed.add('cancelled');
      }
      const exitAt = t.exitedAt ?? 0;
      const near = (at: number | undefined) => at !== undefined && Math.abs(at - exitAt) <= RACE_MS;
      if (near(stopAt)) allowed.add(content ? 'completed' : 'no_content');
      if (near(cancelAt)) allowed.add('cancelled');
      why.push(`Agora ended the task by itself (${t.endReason}) at +${exitAt - f.startedAt} ms`);
    }
    if (r.sid !== t.sid && r.ending !== 'failed') {
      return [v(3, `result names sid ${r.sid ?? 'none'} but the task that took is ${t.sid}`)];
    }
  }
  if (allowed.has(r.ending)) return [];
  return [
    v(
      3,
      `ending ${r.ending} (reason "${r.reason ?? ''}") but ${why.join('; ')}: expected ${[...allowed].join(' or ')}`,
    ),
  ];
}

/** 4. Never two live tasks for one (cname, uid) at the same time; at most one start that took per workflow chain. */
export function oneTask(f: SeedFacts): Violation[] {
  const tasks = f.tasksAfter;
  const out: Violation[] = [];
  if (tasks.length > 1) out.push(v(4, `${tasks.length} starts took: ${tasks.map((t) => t.sid).join(', ')}`));
  for (let i = 0; i < tasks.length; i++) {
    for (let j = i + 1; j < tasks.length; j++) {
      const a = tasks[i]!;
      const b = tasks[j]!;
      const aEnd = a.exitedAt ?? Infinity;
      const bEnd = b.exitedAt ?? Infinity;
      if (a.startedAt < bEnd && b.startedAt < aEnd) out.push(v(4, `tasks ${a.sid} and ${b.sid} were live together`));
    }
  }
  return out;
}

/** 5. No workflow task failure in any run's history; the chain closed within its bound. */
export function healthyAndBounded(s: Scenario, f: SeedFacts): Violation[] {
  const out: Violation[] = [];
  if (f.workflowTaskFailures > 0) {
    out.push(
      v(
        5,
        `${f.workflowTaskFailures} workflow task failure(s): ${f.workflowTaskFailureCauses.slice(0, 2).join(' | ')}`,
      ),
    );
  }
  const bound = closeBoundMs(s);
  if (!f.closed) out.push(v(5, `did not close (${f.notes.join('; ') || 'cap reached'})`));
  else if (f.simulatedMs > bound) out.push(v(5, `closed after ${f.simulatedMs} ms > bound ${bound} ms`));
  return out;
}

/**
 * The fewest Agora calls the scenario needs: acquire + start + stop, one query per health interval of the recording,
 * one call per layout/subscription request; plus one per injected HTTP fault rule and one per 10 s of 404 window (the
 * workflow re-asks during a failover), which the faults themselves make necessary.
 */
export function minimumCalls(s: Scenario, f: SeedFacts): number {
  const recordingMs = Math.max(0, f.simulatedMs);
  const queries = Math.floor(recordingMs / (s.policy.healthCheckIntervalSeconds * 1000));
  return 3 + queries + f.updatesRequested + f.faultRules + Math.ceil(f.failoverMs / 10_000);
}

/** 6. Calls within the bound; every 429 came from an injected rateLimit fault. */
export function callBudget(s: Scenario, f: SeedFacts): Violation[] {
  const out: Violation[] = [];
  const min = minimumCalls(s, f);
  const bound = CALL_BOUND_FACTOR() * min;
  if (f.calls.length > bound) {
    const by: Record<string, number> = {};
    for (const c of f.calls) by[c.endpoint ?? '?'] = (by[c.endpoint ?? '?'] ?? 0) + 1;
    out.push(
      v(6, `${f.calls.length} Agora calls > ${bound} (${CALL_BOUND_FACTOR()} x minimum ${min}): ${JSON.stringify(by)}`),
    );
  }
  const unexplained = f.calls.filter((c) => c.httpStatus === 429 && c.fault !== 'rateLimit');
  if (unexplained.length > 0) out.push(v(6, `${unexplained.length} answer(s) 429 that no rateLimit fault caused`));
  return out;
}
