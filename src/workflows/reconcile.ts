/**
 * The `reconciling` state (NO_ORPHAN_PATCH): Agora's task may still run and the workflow could not confirm it gone,
 * so it keeps trying to end it instead of closing with a flag nobody reads. One search finds every recording at risk:
 * `RecordingStatus = "reconciling"` (docs/operations.md).
 *
 * Entered when stop kept failing (Agora unreachable for the stop activity's 30 minutes), or when stop answered 404
 * (or a 49 no stop of ours explains) through the failover window without an exit Agora confirmed (a 404 is "gone, or
 * failing over", https://docs.agora.io/en/cloud-recording/rest-api/status-codes). Stop is sent again with backoff ({@link
 * RECONCILE_FIRST_RETRY_SECONDS} doubling up to {@link RECONCILE_MAX_RETRY_SECONDS}) until Agora answers it (200:
 * stopped now; 206/435; 400/49: already exiting, checked by one more stop when no stop of ours explains it), session_exit
 * (event 11) arrives, or the resourceId expires
 * (resourceExpiredHour after acquire, https://docs.agora.io/en/cloud-recording/rest-api/acquire): after that no call
 * can reach the task, nothing more can be done, and the result says `taskMayStillRun: true`.
 */
import { condition, patched } from '@temporalio/workflow';
import { RESOURCE_EXPIRED_HOUR, type RecordingInput, type StopResult, WorkflowErrorType } from '../contract';
import { agora } from './activities';
import { sessionRef } from './session';
import { describeFailure, goneConfirmed, now, recordError, transition, type Memory } from './state';
import { RECONCILE_49_CHECKED } from './patches';

/** First pause before stop is sent again while reconciling, seconds; it doubles each round. */
export const RECONCILE_FIRST_RETRY_SECONDS = 30;
/** Longest pause between two reconciling stops, seconds. */
export const RECONCILE_MAX_RETRY_SECONDS = 3600;
/** Schedule-to-close of one reconciling stop (its retries included); the next round tries again. */
const RECONCILE_STOP_TIMEOUT = '5 minutes';

/** How reconciliation ended: Agora's answer to a stop, `gone` (session_exit), or the resourceId expired. */
export type Reconciled = Exclude<StopResult['kind'], 'not_found'> | 'gone' | 'expired';

/**
 * When the resourceId of this recording expires, Unix ms: resourceExpiredHour (default 72) after the recording
 * started, which is after its acquire (so never earlier than Agora's expiry).
 */
export function resourceExpiresAt(input: RecordingInput, mem: Memory): number {
  const hours = input.resourceExpiredHour ?? RESOURCE_EXPIRED_HOUR.default;
  return (mem.status.startedAt ?? now()) + hours * 3_600_000;
}

/**
 * Reconciles until Agora confirms the task gone or the resourceId expires (see the file comment). A `stopped` answer's
 * uploadingStatus and files are left for the caller to record. Sets `taskMayStillRun` while it runs and on `expired`.
 * @param why what made the task's fate unknown, for the status and lastError.
 */
export async function reconcile(
  input: RecordingInput,
  mem: Memory,
  why: string,
): Promise<{ kind: Reconciled; answer?: StopResult }> {
  const expiresAt = resourceExpiresAt(input, mem);
  mem.resultFields.taskMayStillRun = true;
  transition(mem, 'reconciling');
  recordError(mem, {
    type: WorkflowErrorType.taskMayStillRun,
    message: `${why}; stopping again with backoff until Agora confirms the task gone or its resourceId expires at ${new Date(expiresAt).toISOString()}`,
  });
  let pauseMs = RECONCILE_FIRST_RETRY_SECONDS * 1000;
  let unconfirmed49: Extract<StopResult, { kind: 'already_exiting' }> | undefined;
  for (;;) {
    if (goneConfirmed(mem)) break;
    const remaining = expiresAt - now();
    if (remaining <= 0) return { kind: 'expired' };
    await condition(() => goneConfirmed(mem), Math.min(pauseMs, remaining), {
      summary: 'reconciling: the task may still run; stop it again',
    });
    pauseMs = Math.min(pauseMs * 2, RECONCILE_MAX_RETRY_SECONDS * 1000);

    if (goneConfirmed(mem)) break;
    let answer: StopResult;
    try {
      answer = await agora.stop.executeWithOptions(
        { summary: 'reconciling: stop', scheduleToCloseTimeout: RECONCILE_STOP_TIMEOUT },
        [sessionRef(input, mem)],
      );
    } catch (err) {
      recordError(mem, describeFailure(err));
      // One of its attempts may have reached Agora and ended the task (its answer lost).
      mem.ownStopMayHaveTaken = true;
      continue;
    }
    if ((answer.earlierAttempts ?? 0) > 0) mem.ownStopMayHaveTaken = true;
    if (answer.kind === 'not_found') {
      if (!unconfirmed49) continue;
      // Exiting, then gone: the 49 stands.
      mem.resultFields.taskMayStillRun = undefined;
      return { kind: 'already_exiting', answer: unconfirmed49 };
    }
    if (
      answer.kind === 'already_exiting' &&
      answer.code !== 50 &&
      !unconfirmed49 &&
      !mem.ownStopMayHaveTaken &&
      patched(RECONCILE_49_CHECKED)
    ) {
      // A 49 no stop of ours explains: a task back from a failover and recording is not exiting. The next round's
      // stop decides: 200 stops it, a 49 or a 404 (exiting, then gone) confirms this one.
      unconfirmed49 = answer;
      recordError(mem, {
        type: WorkflowErrorType.notFound,
        message: 'reconciling: stop answered 49 (no stop of ours can have ended it); checking with the next stop',
      });
      continue;
    }
    mem.resultFields.taskMayStillRun = undefined;
    return { kind: answer.kind, answer };
  }
  mem.resultFields.taskMayStillRun = undefined;
  return { kind: 'gone' };
}
