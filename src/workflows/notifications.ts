/**
 * What an NCS notification (https://docs.agora.io/en/cloud-recording/develop/receive-notifications) does to the
 * workflow's memory. NCS resends, duplicates and reorders
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications), so:
 * - de-duplication by noticeId (a bounded window carried across continue-as-new);
 * - notifications of another channel or another sid are ignored; those arriving before the sid is known are buffered
 *   and sorted out once it is;
 * - facts that only move forward are applied in any order (an exit stays an exit, `uploaded` is never downgraded to
 *   `backuped`), and the one level that goes up and down with time, upload progress, follows `payload.sequence`.
 */
import { log, patched } from '@temporalio/workflow';
import {
  type NcsNotification,
  type FileListEntry,
  describeLeaveCode,
  isEndingStatus,
  NcsEvent,
  WorkflowErrorType,
} from '../contract';
import {
  describe,
  followsNoOrphan,
  MAX_EARLY_NOTICES,
  MAX_SEEN_NOTICES,
  mergeFileList,
  now,
  recordError,
  type Memory,
} from './state';
import type { ResolvedPolicy } from './validate';
import {
  IGNORE_RECORDER_STARTED_BEFORE_START,
  IGNORE_RECORDER_STARTED_BEFORE_START_TIME,
  HEALTH_CHECK_ON_UNREADABLE_STATUS,
} from './patches';

type Details = Record<string, unknown>;
const num = (d: Details, key: string): number | undefined => (typeof d[key] === 'number' ? d[key] : undefined);
const str = (d: Details, key: string): string | undefined => (typeof d[key] === 'string' ? d[key] : undefined);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The valid entries of a `details.fileList` array (events 31, 32 and 71: objects whose `fileName` / `filename` is a
 * string when present); the others are logged by position and left out.
 */
function files(d: Details): FileListEntry[] | undefined {
  if (d.fileList === undefined) return undefined;
  if (!Array.isArray(d.fileList)) {
    log.warn('ignoring an NCS fileList that is not an array', { field: 'payload.details.fileList' });
    return undefined;
  }
  return d.fileList.filter((entry: unknown, i) => {
    const ok =
      isObject(entry) &&
      ['fileName', 'filename'].every((key) => entry[key] === undefined || typeof entry[key] === 'string');
    if (!ok) log.warn('ignoring an invalid NCS file entry', { field: `payload.details.fileList[${i}]` });
    return ok;
  }) as FileListEntry[];
}

/**
 * The first field of a notification that the workflow reads and that does not have its documented type
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications), or undefined when it can be used.
 */
function malformedField(n: unknown): string | undefined {
  if (!isObject(n)) return '(notification)';
  if (typeof n.noticeId !== 'string' || n.noticeId === '') return 'noticeId';
  if (typeof n.eventType !== 'number') return 'eventType';
  const p = n.payload;
  if (!isObject(p)) return 'payload';
  for (const key of ['cname', 'uid', 'sid']) if (typeof p[key] !== 'string') return `payload.${key}`;
  if (p.sequence !== undefined && typeof p.sequence !== 'number') return 'payload.sequence';
  if (p.details !== undefined && !isObject(p.details)) return 'payload.details';
  return undefined;
}

/**
 * Clock difference tolerated between Agora's event time (`sendts`) and the workflow's clock, ms. Both are
 * NTP-synchronised servers; an earlier recording of the same cname + uid started at least this long before ours.
 */
export const RECORDER_STARTED_SKEW_MS = 10_000;

/**
 * Receives one notification (the agoraNotification signal handler). Never throws: a malformed notification is logged
 * and dropped, because a signal handler that throws would fail the workflow task.
 */
export function receiveNotification(mem: Memory, policy: ResolvedPolicy, n: NcsNotification): void {
  // A signal argument is whatever the sender sent: the types say NcsNotification, the checks do not trust them.
  const field = malformedField(n);
  if (field !== undefined) {
    log.warn('dropping a malformed NCS notification', { field });
    return;
  }
  const payload = n.payload;
  if (mem.seenNoticeIds.includes(n.noticeId)) return;
  mem.seenNoticeIds.push(n.noticeId);
  if (mem.seenNoticeIds.length > MAX_SEEN_NOTICES)
    mem.seenNoticeIds.splice(0, mem.seenNoticeIds.length - MAX_SEEN_NOTICES);

  if (payload.cname !== mem.status.cname) return;
  if (
    n.eventType === NcsEvent.recorder_started &&
    mem.recorderUids.includes(payload.uid) &&
    // patched: histories recorded before this rule adopted such a notification; they must replay as they ran.
    (mem.startsSent.length > 0 || !patched(IGNORE_RECORDER_STARTED_BEFORE_START)) &&
    // Checked AFTER the patched() call above, never before: histories recorded before these checks existed made that
    // call in these cases too (e.g. a failover recorder's recorder_started in a run continued as new, where the sid is
    // known but no start was sent in this run), and a patch marker in history whose patched() call the code no longer
    // makes fails replay with a nondeterminism error.
    mem.startedSidFromNcs === undefined &&
    mem.status.sid === undefined &&
    // Last: its patch (new with ECONOMY_PATCH) is only asked when the answer matters, i.e. while the sid is unknown.
    !startedBeforeOurStart(mem, payload.sendts)
  ) {
    // The first recorder_started of this recorder identity since our first start request: the sid of a start whose
    // answer we may have lost (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices). One
    // that arrives before any start was sent, or whose event time (sendts, kept across NCS resends,
    // https://docs.agora.io/en/cloud-recording/develop/receive-notifications) is before our first start request,
    // belongs to an earlier recording of the same cname + uid (a re-run of this workflow ID) and must never be adopted:
    // stopping that old sid would leave ours running.
    mem.startedSidFromNcs = payload.sid;
  }
  if (mem.status.sid === undefined) {
    if (mem.early.length < MAX_EARLY_NOTICES) mem.early.push(n);
    return;
  }
  if (payload.sid !== mem.status.sid) return;
  applyNotification(mem, policy, n);
}

/**
 * Smallest sendts taken as an event time (Unix ms, September 2001). Anything below (0, a negative number, seconds
 * instead of ms) is garbage, not evidence that the notification is old.
 */
export const MIN_PLAUSIBLE_SENDTS_MS = 1_000_000_000_000;

/**
 * The recorder_started's event time is more than {@link RECORDER_STARTED_SKEW_MS} before this run's first start
 * request. A missing or implausible sendts decides nothing (tolerated,
 * https://docs.agora.io/en/cloud-recording/develop/receive-notifications): ignoring our own recorder_started would
 * leave a task running that nobody can stop, so only a real event time may keep one out.
 */
function startedBeforeOurStart(mem: Memory, sendts: number | undefined): boolean {
  if (typeof sendts !== 'number' || !(sendts >= MIN_PLAUSIBLE_SENDTS_MS) || mem.startSentAt === undefined) return false;
  // patched: histories recorded before this rule adopted such a notification; they must replay as they ran.
  return sendts < mem.startSentAt - RECORDER_STARTED_SKEW_MS && patched(IGNORE_RECORDER_STARTED_BEFORE_START_TIME);
}

/** Applies the notifications buffered before the sid was known; those of another sid are dropped. */
export function applyEarlyNotifications(mem: Memory, policy: ResolvedPolicy): void {
  const early = mem.early;
  mem.early = [];
  for (const n of early) if (n.payload.sid === mem.status.sid) applyNotification(mem, policy, n);
}

/**
 * The effect of one notification of this session
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
 */
function applyNotification(mem: Memory, policy: ResolvedPolicy, n: NcsNotification): void {
  const d: Details = n.payload.details ?? {};
  const s = mem.status;
  const live = s.state === 'starting' || s.state === 'recording';
  // NCS reaches this workflow after all: the query cadence can be NCS-first (session.ts healthCheckCadenceMs).
  mem.ncsSeen = true;
  switch (n.eventType) {
    case NcsEvent.session_exit: {
      mem.sessionExited = true;
      mem.resultFields.exitStatus = num(d, 'exitStatus');
      if (live) mem.exit ??= { reason: `session_exit (exitStatus ${mem.resultFields.exitStatus ?? '?'})` };
      break;
    }
    case NcsEvent.recorder_leave: {
      // After a failover the old recorder may still report; only the current recorder (the latest newUid) counts
      // (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
      if (n.payload.uid !== mem.recorderUids[mem.recorderUids.length - 1]) break;
      const leaveCode = num(d, 'leaveCode');
      mem.resultFields.leaveCode = leaveCode;
      if (live) mem.exit ??= { reason: `recorder_leave: ${describeLeaveCode(leaveCode)}` };
      break;
    }
    case NcsEvent.web_recorder_stopped: {
      mergeFileList(mem, files(d));
      if (live)
        mem.exit ??= { reason: `web recorder stopped: ${str(d, 'message') ?? `code ${num(d, 'code') ?? '?'}`}` };
      break;
    }
    case NcsEvent.uploaded: {
      s.uploadingStatus = 'uploaded';
      mergeFileList(mem, files(d));
      break;
    }
    case NcsEvent.backuped: {
      if (s.uploadingStatus !== 'uploaded') s.uploadingStatus = 'backuped';
      mergeFileList(mem, files(d));
      break;
    }
    case NcsEvent.cloud_recording_file_infos: {
      // The M3U8 playlist's name, sent once when it is first uploaded: known even if every later notification is lost.
      const name = str(d, 'fileList');
      if (name === undefined)
        log.warn('ignoring a file_infos without a fileList name', { field: 'payload.details.fileList' });
      mergeFileList(mem, name);
      break;
    }
    case NcsEvent.recorder_snapshot_file: {
      // One JPG uploaded, "<fileNamePrefix>/<file name>".
      const fileName = str(d, 'fileName');
      if (fileName === undefined)
        log.warn('ignoring a snapshot_file without a fileName', { field: 'payload.details.fileName' });
      else mergeFileList(mem, [{ fileName }]);
      break;
    }
    case NcsEvent.uploading_progress: {
      const seq = n.payload.sequence;
      const progress = num(d, 'progress');
      if (progress === undefined) break;
      if (seq === undefined || mem.progressSequence === undefined || seq > mem.progressSequence) {
        s.uploadProgress = progress;
        mem.progressSequence = seq ?? mem.progressSequence;
      }
      break;
    }
    case NcsEvent.session_failover: {
      const newUid = d.newUid;
      if (typeof newUid === 'number' || typeof newUid === 'string') {
        if (!mem.recorderUids.includes(String(newUid))) mem.recorderUids.push(String(newUid));
        mem.recorderUids.splice(1, Math.max(0, mem.recorderUids.length - 5));
      }
      // The failover is over: a later 404 starts a new window instead of reusing this one's start (NO_ORPHAN_PATCH).
      if (mem.notFoundSince !== undefined && followsNoOrphan(mem)) mem.notFoundSince = undefined;
      break;
    }
    case NcsEvent.cloud_recording_error: {
      const level = num(d, 'errorLevel');
      const message = `module ${num(d, 'module') ?? '?'} errorCode ${num(d, 'errorCode') ?? '?'} level ${level ?? '?'}: ${str(d, 'errorMsg') ?? ''}`;
      recordError(mem, { type: WorkflowErrorType.ncsError, message });
      // errorLevel 4 major, 5 fatal: "may end the recording; call query"
      // (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
      if (live && level !== undefined && level >= 4) mem.healthCheckForced = true;
      break;
    }
    case NcsEvent.cloud_recording_status_update: {
      const status = num(d, 'status');
      // patched (asked only for an unreadable status): histories recorded before this rule did not query here.
      const unreadable = status === undefined && patched(HEALTH_CHECK_ON_UNREADABLE_STATUS);
      if (live && (isEndingStatus(status) || unreadable)) mem.healthCheckForced = true;
      break;
    }
    default:
      break;
  }
  // NCS first: a notification of this session shows it is alive, so the fallback query can wait
  // (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
  if (s.state === 'recording' && !mem.exit) {
    mem.nextHealthCheckAt = Math.max(mem.nextHealthCheckAt, now() + policy.healthCheckIntervalSeconds * 1000);
  }
  describe(mem);
}
