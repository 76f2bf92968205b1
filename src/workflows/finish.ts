/**
 * Stop, then wait for the upload (ARCHITECTURE.md steps 5-6; §3.6, §6.4).
 *
 * Stop outcomes (src/activities/types.ts StopResult): `stopped` with Agora's uploadingStatus (a sync stop usually
 * answers `uploaded`), `no_content` (206/435, nothing was published), `already_exiting` (400/49) and `not_found` (404),
 * the last two meaning the task is already going or gone. After a session_exit (event 11) no stop is sent at all.
 *
 * The upload wait ends at `uploaded` (stop's own answer or NCS 31), or at session_exit (plus a short grace for its
 * uploaded/backuped, which NCS may deliver after it), or at the uploadTimeoutSeconds deadline. `backuped` (NCS 32) means
 * every file is safe but some went to Agora's backup cloud, so the wait goes on for a late `uploaded`, which upgrades
 * the status; at the deadline `backuped` is a success and nothing is reported; with no status at all, the recording
 * still ends (completed, or whatever the ending is) with lastError `UploadTimeout`.
 */
import { condition } from '@temporalio/workflow';
import type { StopResult } from '../activities/types';
import type { RecordingEnding, RecordingInput } from './definitions';
import { agora } from './activities';
import type { SessionEnd } from './session';
import { sessionRef } from './session';
import { describeFailure, normaliseFileList, now, recordError, transition, type Memory } from './state';
import type { ResolvedPolicy } from './validate';

/** After session_exit, how long to wait for an uploaded/backuped that NCS may deliver after it, seconds (§6.1). */
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
  const step = await stop(input, mem, end.reason);
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

/** The stop call. A stop that fails after its retries (30 min) leaves the task possibly running: say so. */
async function stop(input: RecordingInput, mem: Memory, reason: string): Promise<StopStep> {
  if (mem.sessionExited) return 'skipped';
  try {
    const r = await agora.stop.executeWithOptions({ summary: `stop: ${reason}` }, [sessionRef(input, mem)]);
    if (r.kind === 'stopped') {
      if (r.uploadingStatus && mem.status.uploadingStatus !== 'uploaded')
        mem.status.uploadingStatus = r.uploadingStatus;
      const files = normaliseFileList(r.fileList);
      if (files.length > 0 && mem.fileList.length === 0) mem.fileList = files;
    }
    return r.kind;
  } catch (err) {
    recordError(mem, describeFailure(err));
    mem.resultFields.taskMayStillRun = true;
    return 'failed';
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
      type: 'UploadTimeout',
      message: `no uploaded/backuped within ${policy.uploadTimeoutSeconds} s after stop; files may still be uploading`,
    });
  }
}
