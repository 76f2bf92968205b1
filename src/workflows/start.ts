/**
 * acquire → start, within the resourceId's life, never leaving an orphan task (docs/architecture.md steps 2-3;
 * https://docs.agora.io/en/cloud-recording/rest-api/acquire,
 * https://docs.agora.io/en/cloud-recording/rest-api/status-codes,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices):
 * - a server-side timer bounds the start attempts on one resourceId (startWindowSeconds after acquire): the start
 *   activity's schedule-to-close timeout, across its retries; when it expires the workflow acquires again, at most
 *   maxAcquireAttempts times (runs from before ECONOMY_PATCH used a workflow timer and cancelled the activity);
 * - a start whose answer was lost shows up as `alreadyStarted` (201/code 7 on the retried call) or, after a re-acquire,
 *   as AgoraTaskConflict (400/code 53): our earlier start took. The sid is recovered from Agora's answer or from the
 *   recorder_started notification (event 40) of this cname + recorder uid, waiting at most SID_RECOVERY_SECONDS; the
 *   task is then stopped with the resourceId whose start created it, never simply the last acquired (`recovered`);
 * - when it cannot be recovered, the recording ends `failed` with `taskMayStillRun` (Agora ends such a task itself
 *   after maxIdleTime of an empty channel; nothing can stop it without its sid).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  TimeoutFailure,
  condition,
  patched,
  sleep,
} from '@temporalio/workflow';
import {
  type StartConfirmation,
  type StartInput,
  type StartResult,
  type RecordingInput,
  WorkflowErrorType,
  AgoraFailureType,
} from '../contract';
import { agora, agoraCall, healthQuery } from './activities';
import { applyEarlyNotifications } from './notifications';
import { describeFailure, followsNoOrphan, now, recordError, transition, type Memory } from './state';
import { resourceExpiresAt } from './reconcile';
import type { ResolvedPolicy } from './validate';
import { START_ANSWER_WITH_WINDOW_TIMER, VERIFY_RECOVERED_RESOURCE_ID } from './patches';
import { FAILOVER_RECHECK_SECONDS, healthCheckCadenceMs } from './session';

/** How long to wait for the recorder_started notification that carries a lost sid, seconds. */
export const SID_RECOVERY_SECONDS = 120;
/**
 * Extra lifetime given to a minted RTC token beyond the maximum duration, seconds (tokens cannot be renewed,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
const TOKEN_MARGIN_SECONDS = 3600;

/** How the start phase ended: with a sid (recording), or with an ending and a reason. */
export type StartOutcome =
  | { kind: 'started'; sid: string; confirmation?: StartConfirmation; ncsConfigured?: boolean }
  | { kind: 'ended'; ending: 'failed' | 'no_content' | 'cancelled'; reason: string };

/** One start attempt on one resourceId, as the workflow sees it. */
type Attempt =
  | { kind: 'started'; sid: string; confirmation?: StartConfirmation; ncsConfigured?: boolean }
  | { kind: 'alreadyStarted'; sid?: string; confirmation?: StartConfirmation; ncsConfigured?: boolean }
  | { kind: 'windowClosed' }
  | { kind: 'conflict'; mayHaveTaken?: boolean }
  | { kind: 'reacquire'; mayHaveTaken: boolean }
  | { kind: 'failed'; mayHaveTaken: boolean };

/**
 * Failures of the start activity after which a new resourceId may help
 * (https://docs.agora.io/en/cloud-recording/rest-api/status-codes: "new acquire + start").
 */
const reacquireTypes: string[] = [
  AgoraFailureType.reacquire,
  AgoraFailureType.retrySameCall,
  AgoraFailureType.serverError,
  AgoraFailureType.network,
  AgoraFailureType.rateLimited,
  AgoraFailureType.quotaExceeded,
  'ActivityTimeout',
];

/**
 * Runs acquire and start until a sid is known, the attempts are spent, or a stop/cancellation arrives before any start
 * was sent. Never cancelled from outside (the caller runs it in a non-cancellable scope).
 */
export async function acquireAndStart(
  input: RecordingInput,
  policy: ResolvedPolicy,
  mem: Memory,
): Promise<StartOutcome> {
  /** An earlier start may have reached Agora (window closed mid-call, timeout, 5xx): a later 53 is then ours. */
  let mayHaveTaken = false;
  for (let attempt = 1; attempt <= policy.maxAcquireAttempts; attempt++) {
    const before = await beforeStart(input, mem, mayHaveTaken);
    if (before) return before;
    if (attempt > 1) transition(mem, 'acquiring');
    let resourceId: string;
    try {
      ({ resourceId } = await agoraCall(mem, 'acquire').executeWithOptions(
        { summary: `acquire a resourceId (attempt ${attempt} of ${policy.maxAcquireAttempts})` },
        [{ cname: input.cname, uid: input.uid, mode: input.mode, resourceExpiredHour: input.resourceExpiredHour }],
      ));
    } catch (err) {
      recordError(mem, describeFailure(err));
      if (mayHaveTaken) return recoverOrFail(input, mem, 'acquire failed after a start that may have taken');
      return { kind: 'ended', ending: 'failed', reason: 'acquire failed' };
    }
    const acquiredAt = now();
    mem.status.resourceId = resourceId;
    const cancelledBefore = await beforeStart(input, mem, mayHaveTaken);
    if (cancelledBefore) return cancelledBefore;
    transition(mem, 'starting');

    const result = await startWithinWindow(input, policy, mem, resourceId, acquiredAt, attempt);
    switch (result.kind) {
      case 'started':
        return result;
      case 'alreadyStarted':
        if (result.sid) return { ...result, kind: 'started', sid: result.sid };
        return recoverOrFail(input, mem, 'Agora answered "already started" (code 7) without the sid', resourceId);
      case 'conflict':
        // NO_ORPHAN_PATCH: any earlier start of this workflow may be the running task (a refusal judged from a
        // start's last answer says nothing of its earlier attempts), so look for its sid rather than give up on it.
        if (mayHaveTaken || result.mayHaveTaken === true || (mem.startsSent.length > 1 && followsNoOrphan(mem)))
          return recoverOrFail(input, mem, 'Agora reports our earlier start as a running task (code 53)');
        return {
          kind: 'ended',
          ending: 'failed',
          reason: 'another task already records this channel with this recorder uid (code 53)',
        };
      case 'windowClosed':
        mayHaveTaken = true;
        recordError(mem, {
          type: WorkflowErrorType.startWindowClosed,
          message: `no start answer within ${policy.startWindowSeconds} s of acquire; acquiring again`,
        });
        break;
      case 'reacquire':
        mayHaveTaken ||= result.mayHaveTaken;
        break;
      case 'failed':
        if (result.mayHaveTaken || mayHaveTaken)
          return recoverOrFail(input, mem, 'start failed after it may have taken');
        return { kind: 'ended', ending: 'failed', reason: 'start refused' };
    }
    // A recorder_started of the attempt that timed out may already be here: adopt it instead of acquiring again.
    if (mem.startedSidFromNcs) return await recovered(mem, mem.startedSidFromNcs);
  }
  if (mayHaveTaken)
    return recoverOrFail(input, mem, `no start answer after ${policy.maxAcquireAttempts} acquire attempts`);
  return { kind: 'ended', ending: 'failed', reason: `no start after ${policy.maxAcquireAttempts} acquire attempts` };
}

/**
 * Stop or cancellation before the next start: end without starting anything (an unused resourceId simply expires).
 * If an earlier start may have taken, start nothing new but look for its sid, so that the recording can be stopped.
 */
async function beforeStart(
  input: RecordingInput,
  mem: Memory,
  mayHaveTaken: boolean,
): Promise<StartOutcome | undefined> {
  if (!mem.cancelRequested && mem.stopReason === undefined) return undefined;
  if (mayHaveTaken) return recoverOrFail(input, mem, 'stop requested after a start that may have taken');
  if (mem.cancelRequested) return { kind: 'ended', ending: 'cancelled', reason: 'cancelled before the start' };
  return { kind: 'ended', ending: 'no_content', reason: `${mem.stopReason ?? 'stop requested'} before the start` };
}

/**
 * Calls start on `resourceId` while the window lasts. The window is the start activity's schedule-to-close timeout, a
 * timer the server enforces across the activity's retries: when it expires the activity times out and the workflow
 * acquires again (an answer that comes later is ignored). Runs recorded before ECONOMY_PATCH raced a workflow timer
 * against the activity instead ({@link startRacingWindowTimer}).
 */
async function startWithinWindow(
  input: RecordingInput,
  policy: ResolvedPolicy,
  mem: Memory,
  resourceId: string,
  acquiredAt: number,
  attempt: number,
): Promise<Attempt> {
  const remainingMs = acquiredAt + policy.startWindowSeconds * 1000 - now();
  if (remainingMs <= 0) return { kind: 'windowClosed' };
  mem.startSentAt ??= now();
  mem.startsSent.push({ resourceId });
  const summary = `start ${input.mode} recording (resourceId ${attempt})`;
  const request: StartInput = {
    cname: input.cname,
    uid: input.uid,
    mode: input.mode,
    resourceId,
    storageProfile: input.storage.profile,
    fileNamePrefix: input.storage.fileNamePrefix,
    recordingConfig: input.recordingConfig,
    recordingFileConfig: input.recordingFileConfig,
    snapshotConfig: input.snapshotConfig,
    extensionServiceConfig: input.extensionServiceConfig,
    encryptionProfile: input.encryptionProfile,
    token: input.token,
    tokenLifetimeSeconds: policy.maxDurationSeconds + TOKEN_MARGIN_SECONDS,
  };
  if (!mem.economy) return startRacingWindowTimer(policy, mem, summary, request, remainingMs);
  try {
    const r = await agora.start.executeWithOptions({ summary, scheduleToCloseTimeout: remainingMs }, [request]);
    return attemptOf(r);
  } catch (err) {
    const timeout = err instanceof ActivityFailure && err.cause instanceof TimeoutFailure ? err.cause : undefined;
    if (timeout?.timeoutType === 'SCHEDULE_TO_CLOSE') return { kind: 'windowClosed' };
    return startFailed(mem, err);
  }
}

/**
 * The start window of runs recorded before ECONOMY_PATCH: a workflow timer and the activity race in one cancellable
 * scope; when the timer wins, the scope is cancelled, which cancels the start activity (its answer is then ignored).
 */
async function startRacingWindowTimer(
  policy: ResolvedPolicy,
  mem: Memory,
  summary: string,
  request: StartInput,
  remainingMs: number,
): Promise<Attempt> {
  let answer: StartResult | undefined;
  return CancellationScope.cancellable(async () => {
    const window = sleep(remainingMs, { summary: `resourceId start window (${policy.startWindowSeconds} s)` }).then(
      () => 'closed' as const,
    );
    const start = agora.start.executeWithOptions({ summary }, [request]).then((r: StartResult) => {
      answer = r;
      return { r };
    });
    try {
      const first = await Promise.race([start, window]);
      // The timer and the answer may land in the same workflow task, the timer first: the start took and its sid is
      // here, so use it (re-acquiring would only meet code 53 and depend on recorder_started to find this sid).
      // patched: histories recorded before this rule re-acquired here; they must replay as they ran.
      const r = first !== 'closed' ? first.r : answer && patched(START_ANSWER_WITH_WINDOW_TIMER) ? answer : undefined;
      if (r === undefined) return { kind: 'windowClosed' };
      return attemptOf(r);
    } catch (err) {
      return startFailed(mem, err);
    } finally {
      CancellationScope.current().cancel();
    }
  });
}

/**
 * What a failed start activity means for the next attempt
 * (https://docs.agora.io/en/cloud-recording/rest-api/status-codes,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
function startFailed(mem: Memory, err: unknown): Attempt {
  const failure = describeFailure(err);
  recordError(mem, failure);
  let attempt = meaningOf(failure.type);
  // An earlier attempt of this start (timed out, dropped, 5xx) may have taken even if the last one was refused.
  if (!mayHaveTakenOf(attempt) && earlierAttempts(err) && followsNoOrphan(mem)) {
    attempt =
      attempt.kind === 'reacquire'
        ? { kind: 'reacquire', mayHaveTaken: true }
        : attempt.kind === 'conflict'
          ? { kind: 'conflict', mayHaveTaken: true }
          : { kind: 'failed', mayHaveTaken: true };
  }
  const sent = mem.startsSent[mem.startsSent.length - 1];
  if (sent && !mayHaveTakenOf(attempt)) sent.refused = true;
  return attempt;
}

/** A start answer as an attempt, with the activity's start confirmation and NCS setting. */
function attemptOf(r: StartResult): Attempt {
  const extra = { confirmation: r.confirmation, ncsConfigured: r.ncsConfigured };
  return r.alreadyStarted
    ? { kind: 'alreadyStarted', sid: r.sid, ...extra }
    : { kind: 'started', sid: r.sid, ...extra };
}

const mayHaveTakenOf = (attempt: Attempt): boolean => 'mayHaveTaken' in attempt && attempt.mayHaveTaken === true;

/**
 * The start activity failed on a retry: its failure carries `{ earlierAttempts: n }` in its details (src/activities
 * start), and one of those earlier attempts may have reached Agora.
 */
function earlierAttempts(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return false;
  return (cause.details ?? []).some(
    (d) =>
      typeof d === 'object' && d !== null && typeof (d as { earlierAttempts?: unknown }).earlierAttempts === 'number',
  );
}

/**
 * What a start failure of this type says about the attempt
 * (https://docs.agora.io/en/cloud-recording/rest-api/status-codes,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
function meaningOf(type: string): Attempt {
  if (type === AgoraFailureType.taskConflict) return { kind: 'conflict' };
  if (type === AgoraFailureType.reacquire) return { kind: 'reacquire', mayHaveTaken: false };
  if (reacquireTypes.includes(type)) return { kind: 'reacquire', mayHaveTaken: true };
  // A 200 whose body fails its schema may still have started the task.
  return { kind: 'failed', mayHaveTaken: type === AgoraFailureType.invalidResponse };
}

/**
 * Waits (bounded) for the recorder_started notification that names the sid of a start that took, then returns it as
 * started; otherwise ends `failed` with `taskMayStillRun`.
 */
async function recoverOrFail(input: RecordingInput, mem: Memory, why: string, known?: string): Promise<StartOutcome> {
  mem.status.reason = `recovering the sid: ${why}`;
  if (mem.startedSidFromNcs === undefined) {
    await condition(() => mem.startedSidFromNcs !== undefined, SID_RECOVERY_SECONDS * 1000, {
      summary: 'wait for recorder_started to recover the sid',
    });
  }
  if (mem.startedSidFromNcs === undefined && followsNoOrphan(mem)) {
    // NO_ORPHAN_PATCH: a task that may run cannot be stopped without its sid, so keep waiting for its recorder_started
    // (NCS resends, and a delayed one may still come) until the resourceId expires; visible as `reconciling`.
    const expiresAt = resourceExpiresAt(input, mem);
    transition(mem, 'reconciling');
    // A stop update waits for the stop to settle: nothing can be stopped without the sid, so answer it now.
    mem.stopSettled = true;
    mem.resultFields.taskMayStillRun = true;
    recordError(mem, {
      type: WorkflowErrorType.taskMayStillRun,
      message: `${why}; waiting for recorder_started (event 40) to learn its sid until the resourceId expires at ${new Date(expiresAt).toISOString()}`,
    });
    await condition(() => mem.startedSidFromNcs !== undefined, Math.max(1, expiresAt - now()), {
      summary: 'reconciling: wait for recorder_started to recover the sid',
    });
    mem.resultFields.taskMayStillRun = undefined;
  }
  mem.status.reason = undefined;
  if (mem.startedSidFromNcs !== undefined) return recovered(mem, mem.startedSidFromNcs, known);
  mem.resultFields.taskMayStillRun = true;
  recordError(mem, {
    type: WorkflowErrorType.sidNotRecovered,
    message: `${why}; no recorder_started arrived (waited ${mem.noOrphan === true ? 'until the resourceId expired' : `${SID_RECOVERY_SECONDS} s`}), so the task cannot be stopped and may still run until Agora's maxIdleTime ends it`,
  });
  return { kind: 'ended', ending: 'failed', reason: why };
}

/**
 * A sid recovered from recorder_started, with the resourceId of the start that created its task: only that resourceId
 * can query, update or stop it (https://docs.agora.io/en/cloud-recording/rest-api/status-codes: 400 code 1003
 * otherwise). `known`: the resourceId whose start answered code 7 (the task is on it). Otherwise every start sent in
 * this run is a candidate, newest first among those Agora did not refuse, then the refused ones (a refusal is judged
 * from the start's last answer; an earlier attempt of it may have taken). With one candidate it is that one. With more,
 * each is asked with query: an answer for the sid decides; a 404 or 501 (failover window, or gone) marks the first such
 * as the likely one; 1003 rules one out; a query that fails otherwise (Agora unreachable) ends the asking. Then the
 * likely one, else the first not ruled out. Runs recorded before {@link VERIFY_RECOVERED_RESOURCE_ID} took the first
 * candidate.
 */
async function recovered(mem: Memory, sid: string, known?: string): Promise<StartOutcome> {
  const newestFirst = [...mem.startsSent].reverse();
  const order = [...newestFirst.filter((s) => !s.refused), ...newestFirst.filter((s) => s.refused)].map(
    (s) => s.resourceId,
  ); // one start per resourceId (startWithinWindow runs once per acquire)
  let origin = known ?? order[0];
  if (known === undefined && order.length > 1 && patched(VERIFY_RECOVERED_RESOURCE_ID)) {
    const ruledOut = new Set<string>();
    let likely: string | undefined;
    let found: string | undefined;
    for (const [i, resourceId] of order.entries()) {
      const answer = await askForSid(mem, resourceId, sid, `${i + 1} of ${order.length}`);
      if (answer === 'found') found = resourceId;
      else if (answer === 'refused') ruledOut.add(resourceId);
      else if (answer === 'absent') likely ??= resourceId;
      if (found !== undefined || answer === 'unknown') break;
    }
    origin = found ?? likely ?? order.find((rid) => !ruledOut.has(rid)) ?? origin;
  }
  if (origin !== undefined) mem.status.resourceId = origin;
  return { kind: 'started', sid };
}

/**
 * Asks Agora for `sid` on `resourceId` (query): `found` (an answer for it, even one whose body fails its schema),
 * `absent` (404 or 501: a failover window, or the task is gone), `refused` (an invalid request: code 1003, another
 * resourceId's sid), or `unknown` (the query failed otherwise; recorded as the last error).
 */
async function askForSid(
  mem: Memory,
  resourceId: string,
  sid: string,
  which: string,
): Promise<'found' | 'absent' | 'refused' | 'unknown'> {
  const { cname, uid, mode } = mem.status;
  try {
    const r = await healthQuery.executeWithOptions(
      { summary: `query: did resourceId ${which} start the recovered sid?` },
      [{ cname, uid, mode, resourceId, sid }],
    );
    return r.kind === 'ok' ? 'found' : 'absent';
  } catch (err) {
    const failure = describeFailure(err);
    if (failure.type === AgoraFailureType.invalidResponse) return 'found';
    if (failure.type === AgoraFailureType.invalidRequest) return 'refused';
    recordError(mem, failure);
    return 'unknown';
  }
}

/**
 * Records the sid and enters the recording state (one search-attribute upsert with the sid). The start activity
 * confirmed the start with a query about 5 s after the sid
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices), so `recording` means the
 * recorder came up; what it found otherwise is acted on at once: an ended task is a confirmed exit, a 404 starts the
 * failover handling (session.ts), a status still below 4 is asked again at the next query.
 */
export function enterRecording(
  mem: Memory,
  policy: ResolvedPolicy,
  started: Extract<StartOutcome, { kind: 'started' }>,
): void {
  const { sid, confirmation } = started;
  mem.status.sid = sid;
  mem.status.startedAt = now();
  mem.status.reason = undefined;
  mem.ncsConfigured = started.ncsConfigured;
  if (confirmation?.kind === 'ended') {
    mem.exit = {
      reason: `query after start: Agora reports ${confirmation.status === undefined ? 'code 501' : `status ${confirmation.status}`}`,
      evidence: 'confirmed',
    };
  } else if (confirmation?.kind === 'not_found') {
    mem.notFoundSince = now();
    mem.healthCheckForced = true;
  }
  mem.seenRunning = confirmation?.kind === 'running';
  // Still starting (status below 4) or not known: ask again soon, and give up on it 90 s after start (session.ts).
  const soon = confirmation?.kind === 'starting' || confirmation?.kind === 'unknown';
  mem.nextHealthCheckAt = now() + (soon ? FAILOVER_RECHECK_SECONDS * 1000 : healthCheckCadenceMs(policy, mem));
  transition(mem, 'recording', { sid });
  applyEarlyNotifications(mem, policy);
}
