/**
 * Stop, then wait for the upload (docs/architecture.md steps 5-6;
 * https://docs.agora.io/en/cloud-recording/rest-api/stop,
 * https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
 *
 * Stop outcomes (src/contract/activities.ts StopResult): `stopped` with Agora's uploadingStatus (a sync stop usually
 * answers `uploaded`), `no_content` (206/435, nothing was published), `already_exiting` (400/49; code 50 means this stop
 * took and its upload timed out) and `not_found` (404), the last two meaning the task is already going or gone, or
 * failing over: a 404 (and a 49 no stop of ours explains) is stopped again through the failover window (see {@link
 * STOP_FAILOVER_RECHECK_SECONDS}) and then reconciled unless session_exit confirmed it. After a session_exit (event 11)
 * no stop is sent at all.
 *
 * The upload wait follows every stop that may have left files (stopped, 49, 404, or none sent after session_exit). It
 * ends at `uploaded` (stop's own answer or NCS 31), or at session_exit (plus a short grace for its uploaded/backuped,
 * which NCS may deliver after it), or at the uploadTimeoutSeconds deadline. `backuped` (NCS 32) means every file is
 * safe but some went to Agora's backup cloud, so the wait goes on for a late `uploaded`, which upgrades the status,
 * even past session_exit; at the deadline `backuped` is a success and nothing is reported; with no status at all, the
 * recording still ends (completed, or whatever the ending is) with lastError `UploadTimeout`. The files are merged by
 * name from every source (state.ts `mergeFileList`).
 */
import { condition, patched } from '@temporalio/workflow';
import {
  type StopResult,
  type RecordingEnding,
  type RecordingInput,
  WorkflowErrorType,
  AgoraFailureType,
} from '../contract';
import { agora } from './activities';
import { type SessionEnd, sessionRef } from './session';
import { describeFailure, followsNoOrphan, mergeFileList, now, recordError, transition, type Memory } from './state';
import { reconcile } from './reconcile';
import type { ResolvedPolicy } from './validate';
import {
  BACKUPED_WAITS_FOR_UPLOADED,
  RESEND_STOP_AFTER_INVALID_RESPONSE,
  STOP_49_CONFIRMED,
  UPLOAD_WAIT_AFTER_STOP_404,
} from './patches';

/**
 * A stop answered 404 while Agora may be failing the recorder over
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices: stop can answer 404 for up to
 * ~90 s although the session survives): stop again this often until failoverWindowSeconds have passed since the first
 * 404.
 */
export const STOP_FAILOVER_RECHECK_SECONDS = 10;

/**
 * After session_exit, how long to wait for an uploaded/backuped that NCS may deliver after it, seconds
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
 */
export const EXIT_GRACE_SECONDS = 15;

/**
 * What the stop step did. `unreachable` (stop kept failing) and `unconfirmed` (404s, or a 49 no stop of ours explains,
 * beyond the failover window, no exit confirmed) leave the task's fate unknown: the workflow reconciles (reconcile.ts).
 */
type StopStep = StopResult['kind'] | 'skipped' | 'failed' | 'unreachable' | 'unconfirmed';

/**
 * Stops the recording (unless Agora already ended the session), waits for the upload, and returns how it ended.
 * Runs in the workflow's non-cancellable scope: cancellation cannot interrupt it.
 */
export async function stopAndCollect(
  input: RecordingInput,
  policy: ResolvedPolicy,
  mem: Memory,
  end: Exclude<SessionEnd, { kind: 'continueAsNew' }>,
): Promise<RecordingEnding> {
  mem.status.reason = end.reason;
  transition(mem, 'stopping');
  // Agora had shown signs of ending the task before this stop: 404s, or an exit notification not yet confirmed.
  const signsBefore = end.kind === 'exited' || mem.notFoundSince !== undefined || mem.exit !== undefined;
  const answers: StopAnswers = {};
  let reconciledGone = false;
  let step = await stop(input, policy, mem, end, answers);
  mem.resultFields.stoppedAt = now();
  mem.stopSettled = true;
  if (step === 'unreachable' || step === 'unconfirmed') {
    const why =
      step === 'unreachable'
        ? 'stop kept failing'
        : 'stop found no task (404, or a 49 no stop of ours explains) through the failover window and Agora never confirmed the exit';
    // A stop that kept failing may have ended the task on one of its attempts (answers lost).
    if (step === 'unreachable') mem.ownStopMayHaveTaken = true;
    const r = await reconcile(input, mem, why);
    if (r.answer) {
      recordStopAnswer(mem, r.answer);
      noteAnswer(answers, r.answer);
    }
    reconciledGone = r.kind === 'gone';
    // Expired: nothing more can be done, and the result says so (taskMayStillRun). A stop that never got through is a
    // failure; 404s to the end are a task that most likely ended unseen, judged by the rules below like any 404.
    if (r.kind === 'expired') step = step === 'unreachable' ? 'failed' : 'not_found';
    else step = r.kind === 'gone' ? 'skipped' : r.kind;
    mem.resultFields.stoppedAt = now();
  }

  const needsUpload =
    mem.status.uploadingStatus !== 'uploaded' &&
    (step === 'stopped' ||
      step === 'already_exiting' ||
      step === 'skipped' ||
      // A 404 does not say whether the task recorded: its files may still come (NCS 31/32). patched: runs recorded
      // before this ended at once, with the files known so far.
      (step === 'not_found' && patched(UPLOAD_WAIT_AFTER_STOP_404)));
  if (needsUpload) await awaitUpload(policy, mem);

  if (step === 'failed') return 'failed';
  // A stop answered 400/50 and a session_exit, in either order: that stop took (only a recorder that holds the task
  // answers 50, and session_exit shows no failover was under way; sim seed 3521).
  if (answers.saw50 === true && mem.sessionExited) answers.tookEffect = true;
  // A stop answered 200 after an exit was reported: the task was still running (a failover's old recorder left, or
  // 404s outlasted the window), and this stop ended it.
  // (206/435 too: our stop ended a live task that had recorded nothing, sim seeds 280, 357.)
  if (end.kind === 'exited' && step !== 'stopped' && step !== 'no_content' && !answers.tookEffect) return 'exited';
  // Our stop found the task already exiting (49) or gone (404), and Agora had ended it by itself (an idle exit whose
  // notifications were lost) when either it showed signs of that before our stop was sent (404s, an exit
  // notification: the most likely story even if an attempt of ours failed unseen, sim seed 147), or our first stop
  // was answered so and no stop of ours can have taken since (STOP_49_CONFIRMED). Otherwise a 49/404 may be an earlier
  // attempt of our own stop whose answer was lost (retried, domain failover): `completed`.
  // A session_exit while reconciling after such answers is the same story.
  const agoraFirst = signsBefore || (answers.firstFoundGone === true && !mem.ownStopMayHaveTaken);
  const foundGone = step === 'already_exiting' || step === 'not_found' || (step === 'skipped' && reconciledGone);
  if (foundGone && agoraFirst && !answers.tookEffect) {
    const answered = step === 'already_exiting' ? '49' : step === 'not_found' ? '404' : '404, then session_exit';
    mem.status.reason = `${end.reason}; Agora had already ended the task (stop answered ${answered})`;
    return 'exited';
  }
  if (mem.cancelRequested) return 'cancelled';
  if (step === 'no_content') return 'no_content';
  return 'completed';
}

/** What the stop step learned beyond its outcome. */
interface StopAnswers {
  /**
   * The first stop (no earlier attempt of ours) was answered 49 or 404 and no later stop contradicted it (200, 206/435,
   * 400/50): Agora had ended the task before our stop. Set only with STOP_49_CONFIRMED.
   */
  firstFoundGone?: boolean;
  /**
   * A stop of ours took: answered 200, or 400/50 (it took, its upload timed out) confirmed by the 49 of the stop sent
   * after it or by a session_exit (a 50 alone is checked: the emulator once answered it for a recorder failing over,
   * sim seeds 254, 367).
   */
  tookEffect?: boolean;
  /** A stop was answered 400/50: the next 49 confirms that it took. */
  saw50?: boolean;
}

/** Notes what a stop answer shows about who ended the task (see {@link StopAnswers}). */
function noteAnswer(answers: StopAnswers, r: StopResult): void {
  const code50 = r.kind === 'already_exiting' && r.code === 50;
  if (r.kind === 'stopped' || (answers.saw50 === true && r.kind === 'already_exiting' && !code50)) {
    answers.tookEffect = true;
  }
  if (code50) answers.saw50 = true;
  if (r.kind === 'stopped' || r.kind === 'no_content' || code50) answers.firstFoundGone = false;
}

/**
 * Stop answered 49 (or 50) for a task whose exit Agora has not confirmed: check it like a 404 once
 * (STOP_49_CONFIRMED): a 404 or a 200 next shows a failover or a live task, a second 49 is believed. A stop of ours
 * that may have taken explains a 49, unless this stop already found no task (404): a task gone does not go back to
 * exiting, one failing over answers 404 until it is back (sim seed 963).
 * @param after404 this stop step was answered 404 before.
 */
function unconfirmed49(mem: Memory, r: StopResult, after404: boolean): boolean {
  return (
    r.kind === 'already_exiting' &&
    (after404 || ((r.earlierAttempts ?? 0) === 0 && !mem.ownStopMayHaveTaken)) &&
    !mem.sessionExited &&
    mem.exit?.evidence !== 'confirmed' &&
    followsNoOrphan(mem) &&
    patched(STOP_49_CONFIRMED)
  );
}

/**
 * The stop call. A stop that fails after its retries (30 min) leaves the task possibly running: say so. A 404 to a
 * requested stop is "gone" only once session_exit arrived or the failover window passed: inside the window the task
 * may be moving to another server and would go on recording (and billing) after it, so stop is sent again. A 49 that
 * no stop of ours can explain is checked the same way (a failing-over task is not exiting).
 */
async function stop(
  input: RecordingInput,
  policy: ResolvedPolicy,
  mem: Memory,
  end: Exclude<SessionEnd, { kind: 'continueAsNew' }>,
  answers: StopAnswers,
): Promise<StopStep> {
  if (mem.sessionExited) return 'skipped';
  let notFoundSince: number | undefined;
  let resent = false;
  let first = true;
  let seen49 = false;
  for (;;) {
    let r: StopResult;
    try {
      r = await agora.stop.executeWithOptions({ summary: `stop: ${end.reason}` }, [sessionRef(input, mem)]);
    } catch (err) {
      const failure = describeFailure(err);
      recordError(mem, failure);
      // A 200 whose body failed its schema: the stop most likely took. Send it once more, which answers 49 (exiting)
      // or 404 (gone) if it did, instead of calling a stopped recording failed. (patched: older histories ended here.)
      if (failure.type === AgoraFailureType.invalidResponse && !resent && patched(RESEND_STOP_AFTER_INVALID_RESPONSE)) {
        resent = true;
        mem.ownStopMayHaveTaken = true;
        continue;
      }
      if (followsNoOrphan(mem)) return 'unreachable';
      mem.resultFields.taskMayStillRun = true;
      return 'failed';
    }

    // Any attempt before the answered one may have taken (its answer lost): known before the answer is judged.
    if ((r.earlierAttempts ?? 0) > 0) mem.ownStopMayHaveTaken = true;
    const checkAs404 = !seen49 && unconfirmed49(mem, r, notFoundSince !== undefined);
    if (r.kind === 'already_exiting') seen49 = true;
    // Code 50 (upload timeout) answers a stop that took: ours.
    const foundGone = r.kind === 'not_found' || (r.kind === 'already_exiting' && r.code !== 50);
    if (first && foundGone && (r.earlierAttempts ?? 0) === 0 && !resent && followsNoOrphan(mem)) {
      answers.firstFoundGone = patched(STOP_49_CONFIRMED);
    }
    first = false;
    noteAnswer(answers, r);
    if (
      (checkAs404 ||
        (r.kind === 'not_found' &&
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a signal handler may set it during the stop call
          !mem.sessionExited &&
          mem.exit?.evidence !== 'confirmed')) &&
      (end.kind === 'stop' || followsNoOrphan(mem))
    ) {
      // A 404 is "gone, or failing over" (NO_ORPHAN_PATCH: for an exit too, unless Agora confirmed it). The window
      // counts from this stop's own first 404, or from the session's when its 404s already outlasted the window;
      // runs before the patch reused the session's, even from an earlier failover.
      const fresh = followsNoOrphan(mem);
      const sessionSince = !fresh || mem.exit?.evidence === 'notFound' ? mem.notFoundSince : undefined;
      const since = (notFoundSince ??= sessionSince ?? now());
      const windowEnd = since + policy.failoverWindowSeconds * 1000;
      if (now() < windowEnd) {
        recordError(mem, {
          type: WorkflowErrorType.notFound,
          message: `stop answered ${checkAs404 ? '49 (no stop of ours can have ended it)' : 404}; inside the failover window, stopping again`,
        });
        await condition(() => mem.sessionExited, Math.min(STOP_FAILOVER_RECHECK_SECONDS * 1000, windowEnd - now()), {
          summary: 'stop answered 404: failover? stop again',
        });
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a signal handler sets it during the wait
        if (mem.sessionExited) return 'not_found';
        continue;
      }
      if (fresh) {
        mem.notFoundSince = since; // where reconciling's 404 streak starts
        return 'unconfirmed';
      }
    }
    recordStopAnswer(mem, r);
    return r.kind;
  }
}

/** A stop's uploadingStatus (never downgrading `uploaded`) and files (https://docs.agora.io/en/cloud-recording/rest-api/stop). */
function recordStopAnswer(mem: Memory, r: StopResult): void {
  if (r.kind !== 'stopped') return;
  if (r.uploadingStatus && mem.status.uploadingStatus !== 'uploaded') mem.status.uploadingStatus = r.uploadingStatus;
  mergeFileList(mem, r.fileList);
}

/**
 * The wait ended at session_exit with `backuped`: keep waiting for `uploaded`. patched (asked only then): runs
 * recorded before this ended the wait here, and the later uploaded went to the receiver's dead-letter log.
 */
function backupedAfterExit(mem: Memory): boolean {
  return mem.status.uploadingStatus === 'backuped' && patched(BACKUPED_WAITS_FOR_UPLOADED);
}

/** Waits for the upload to finish (see the file comment). */
async function awaitUpload(policy: ResolvedPolicy, mem: Memory): Promise<void> {
  transition(mem, 'uploading');
  const deadline = now() + policy.uploadTimeoutSeconds * 1000;
  const uploaded = (): boolean => mem.status.uploadingStatus === 'uploaded';
  const settled = await condition(() => uploaded() || mem.sessionExited, deadline - now(), {
    summary: `upload: wait for uploaded (NCS 31), at most ${policy.uploadTimeoutSeconds} s`,
  });
  if (settled && !uploaded() && mem.status.uploadingStatus === undefined) {
    const grace = Math.min(EXIT_GRACE_SECONDS * 1000, deadline - now());
    if (grace > 0) {
      await condition(() => mem.status.uploadingStatus !== undefined, grace, {
        summary: 'upload: session exited, wait briefly for its uploaded/backuped',
      });
    }
  }
  if (settled && deadline > now() && backupedAfterExit(mem)) {
    // backuped, then session_exit: the later uploaded still comes, whatever session_exit says; at the deadline backuped
    // is a success.
    await condition(uploaded, deadline - now(), {
      summary: 'upload: backuped, wait for the later uploaded (NCS 31) until the upload deadline',
    });
  }
  if (!settled && mem.status.uploadingStatus !== 'backuped') {
    recordError(mem, {
      type: WorkflowErrorType.uploadTimeout,
      message: `no uploaded/backuped within ${policy.uploadTimeoutSeconds} s after stop; files may still be uploading`,
    });
  }
}
