/**
 * Stop, then wait for the upload (docs/architecture.md steps 5-6;
 * https://docs.agora.io/en/cloud-recording/rest-api/stop,
 * https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
 *
 * Stop outcomes (src/contract/activities.ts StopResult): `stopped` with Agora's uploadingStatus (a sync stop usually
 * answers `uploaded`), `no_content` (206/435, nothing was published), `already_exiting` (400/49) and `not_found` (404),
 * the last two meaning the task is already going or gone; a 404 to a requested stop counts as gone only after
 * session_exit or once the failover window has passed (see {@link STOP_FAILOVER_RECHECK_SECONDS}). After a
 * session_exit (event 11) no stop is sent at all.
 *
 * The upload wait ends at `uploaded` (stop's own answer or NCS 31), or at session_exit (plus a short grace for its
 * uploaded/backuped, which NCS may deliver after it), or at the uploadTimeoutSeconds deadline. `backuped` (NCS 32)
 * means every file is safe but some went to Agora's backup cloud, so the wait goes on for a late `uploaded`, which
 * upgrades the status; at the deadline `backuped` is a success and nothing is reported; with no status at all, the
 * recording still ends (completed, or whatever the ending is) with lastError `UploadTimeout`.
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
import { describeFailure, normaliseFileList, now, recordError, transition, type Memory } from './state';
import type { ResolvedPolicy } from './validate';
import { RESEND_STOP_AFTER_INVALID_RESPONSE } from './patches';

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

/** What the stop step did. */
type StopStep = StopResult['kind'] | 'skipped' | 'failed';

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
  const step = await stop(input, policy, mem, end);
  mem.resultFields.stoppedAt = now();
  mem.stopSettled = true;

  const needsUpload =
    (step === 'stopped' || step === 'already_exiting' || step === 'skipped') &&
    mem.status.uploadingStatus !== 'uploaded';
  if (needsUpload) await awaitUpload(policy, mem);

  if (step === 'failed') return 'failed';
  if (end.kind === 'exited') return 'exited';
  if (mem.cancelRequested) return 'cancelled';
  if (step === 'no_content') return 'no_content';
  return 'completed';
}

/**
 * The stop call. A stop that fails after its retries (30 min) leaves the task possibly running: say so. A 404 to a
 * requested stop is "gone" only once session_exit arrived or the failover window passed: inside the window the task
 * may be moving to another server and would go on recording (and billing) after it, so stop is sent again.
 */
async function stop(
  input: RecordingInput,
  policy: ResolvedPolicy,
  mem: Memory,
  end: Exclude<SessionEnd, { kind: 'continueAsNew' }>,
): Promise<StopStep> {
  if (mem.sessionExited) return 'skipped';
  let notFoundSince: number | undefined;
  let resent = false;
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
        continue;
      }
      mem.resultFields.taskMayStillRun = true;
      return 'failed';
    }
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a signal handler may set it during the stop call
    if (r.kind === 'not_found' && end.kind === 'stop' && !mem.sessionExited) {
      const since = (notFoundSince ??= mem.notFoundSince ?? now());
      const windowEnd = since + policy.failoverWindowSeconds * 1000;
      if (now() < windowEnd) {
        recordError(mem, {
          type: WorkflowErrorType.notFound,
          message: 'stop answered 404; inside the failover window, stopping again',
        });
        await condition(() => mem.sessionExited, Math.min(STOP_FAILOVER_RECHECK_SECONDS * 1000, windowEnd - now()), {
          summary: 'stop answered 404: failover? stop again',
        });
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a signal handler sets it during the wait
        if (mem.sessionExited) return 'not_found';
        continue;
      }
    }
    if (r.kind === 'stopped') {
      if (r.uploadingStatus && mem.status.uploadingStatus !== 'uploaded')
        mem.status.uploadingStatus = r.uploadingStatus;
      const files = normaliseFileList(r.fileList);
      if (files.length > 0 && mem.fileList.length === 0) mem.fileList = files;
    }
    return r.kind;
  }
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
    return;
  }
  if (!settled && mem.status.uploadingStatus !== 'backuped') {
    recordError(mem, {
      type: WorkflowErrorType.uploadTimeout,
      message: `no uploaded/backuped within ${policy.uploadTimeoutSeconds} s after stop; files may still be uploading`,
    });
  }
}
