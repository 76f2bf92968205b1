/**
 * The recording workflow's memory: everything the handlers and the main logic share, and how it changes state in a way
 * the Temporal UI can see (search attributes, current details). Plain data only, so the part that must survive
 * continue-as-new travels as {@link RecordingCarryOver}.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  patched,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  agoraChannelKey,
  agoraSidKey,
  recordingStatusKey,
  isLastErrorType,
  WorkflowErrorType,
  type FileList,
  type FileListEntry,
  type LastAgoraError,
  type LastErrorType,
  type MixLayout,
  type NcsNotification,
  type StreamSubscribe,
  type RecordingCarryOver,
  type RecordingEnding,
  type RecordingInput,
  type RecordingResult,
  type RecordingState,
  type RecordingStatus,
} from '../contract';
import { layoutOf, type ResolvedPolicy } from './validate';
import { NO_ORPHAN_PATCH } from './patches';

/**
 * Workflow time, Unix ms. Inside the workflow sandbox `Date.now()` is the deterministic time of the current workflow
 * task, not the host clock; this helper only says so in one place.
 */
export const now = (): number => Date.now();

/**
 * How Agora ended the recording by itself, when it did
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications events 11/41/71, or query).
 */
export interface AgoraExit {
  reason: string;
  /**
   * How sure the workflow is (NO_ORPHAN_PATCH): `confirmed` (query status 6 and above, code 501, or session_exit),
   * `notFound` (404s beyond the failover window: gone, or a failover that lasts longer), or absent: a recorder_leave
   * or web_recorder_stopped that a query must confirm first, since the old recorder of a failover sends one too
   * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
   */
  evidence?: 'confirmed' | 'notFound';
}

/** A layout or subscription request: the full desired value and its generation (1, 2, ... newest wins). */
export interface Desired<T> {
  value: T;
  generation: number;
}

/** The outcome of a generation that Agora refused: update handlers waiting for it fail with this. */
export interface Refusal {
  generation: number;
  type: LastErrorType;
  message: string;
}

/** Everything the workflow knows. Handlers write requests and notifications here; the main logic acts on them. */
export interface Memory {
  status: RecordingStatus;
  fileList: FileListEntry[];
  /** Recent noticeIds, oldest first, at most {@link MAX_SEEN_NOTICES}. */
  seenNoticeIds: string[];
  /** Notifications that arrived before the sid was known; applied (or dropped) once it is. */
  early: NcsNotification[];
  progressSequence?: number;
  /** Recorder uids of this task: the input uid, then session_failover newUids. */
  recorderUids: string[];
  /**
   * The sid of a recorder_started (event 40) for this cname and recorder uid, for sid recovery
   * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
   */
  startedSidFromNcs?: string;
  /**
   * The start requests sent in this run, in order; `refused` once Agora's last answer to that start showed it did not
   * take. A sid recovered from recorder_started belongs to one of them, and only its own resourceId can query or stop
   * it (https://docs.agora.io/en/cloud-recording/rest-api/status-codes: code 1003 otherwise; start.ts `recovered`).
   * Empty: no start sent yet, so a recorder_started that arrives now is a late or resent notification of an earlier
   * recording with the same workflow ID (same cname + uid, older sid), never ours.
   */
  startsSent: { resourceId: string; refused?: boolean }[];
  /** Workflow time of this run's first start request, Unix ms: an older recorder_started (by sendts) is not ours. */
  startSentAt?: number;
  /** A session_exit (event 11) arrived: the session is over, nothing more to stop. */
  sessionExited: boolean;
  /** The worker said NCS is not configured (start's result): query at Agora's polling cadence until one arrives. */
  ncsConfigured?: boolean;
  /** Some notification of this sid arrived: NCS reaches the workflow after all. */
  ncsSeen?: boolean;
  /** A 404 during a failover holds layout and subscription requests until then, Unix ms (session.ts). */
  requestsRetryAt?: number;
  /** First 404 of the current hold of layout/subscription requests, Unix ms. */
  requestsHeldSince?: number;
  /** The last query 404, Unix ms: a 404 long after it starts a new failover window. */
  lastNotFoundAt?: number;
  /** Agora reported this task running (status 4 or 5) at least once. */
  seenRunning?: boolean;
  /** A stop of ours may have ended the task although its answer was lost (retried, or resent). */
  ownStopMayHaveTaken?: boolean;
  /** When the query that confirms an unconfirmed exit was first asked, Unix ms (undefined: not yet asked). */
  exitQueriedAt?: number;
  /** NO_ORPHAN_PATCH applies to this run (asked once, where it first matters; see {@link followsNoOrphan}). */
  noOrphan?: boolean;
  exit?: AgoraExit;
  stopReason?: string;
  cancelRequested: boolean;
  /** The stop call returned (or was not needed): stop update handlers may answer. */
  stopSettled: boolean;
  layoutRequest?: Desired<MixLayout>;
  layoutApplied: number;
  layoutRefusal?: Refusal;
  subscriptionRequest?: Desired<StreamSubscribe>;
  subscriptionApplied: number;
  notFoundSince?: number;
  nextHealthCheckAt: number;
  /** A notification asked for a query now (fatal error, failover). */
  healthCheckForced: boolean;
  previousRuns: number;
  /** This run follows ECONOMY_PATCH (activities.ts): local calls, lazy wake timer, upserts only on change. */
  economy: boolean;
  resultFields: { leaveCode?: number; exitStatus?: number; stoppedAt?: number; taskMayStillRun?: boolean };
}

/**
 * Whether this run follows NO_ORPHAN_PATCH (patches.ts). Asked lazily, the first time a decision depends on it, so
 * histories recorded before it replay with their own decisions; the answer is kept for the rest of the run.
 */
export function followsNoOrphan(mem: Memory): boolean {
  return (mem.noOrphan ??= patched(NO_ORPHAN_PATCH));
}

/**
 * The exit Agora reported can be believed: session_exit arrived, a query confirmed it (or 404s outlasted the failover
 * window), or the run predates NO_ORPHAN_PATCH. A recorder_leave alone is not enough: the old recorder of a failover
 * sends one too (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
export function exitBelieved(mem: Memory): boolean {
  if (!mem.exit) return false;
  return mem.sessionExited || mem.exit.evidence !== undefined || !followsNoOrphan(mem);
}

/** Agora confirmed the task gone: session_exit (event 11), or a query answered an ending status or code 501. */
export const goneConfirmed = (mem: Memory): boolean => mem.sessionExited || mem.exit?.evidence === 'confirmed';

/** Bound of the de-duplication window: NCS resends come within minutes, never hundreds of events later. */
export const MAX_SEEN_NOTICES = 200;
/** Bound of the early-notification buffer (before the sid is known). */
export const MAX_EARLY_NOTICES = 50;

/**
 * Fresh memory for a first run, or the memory carried by continue-as-new.
 * @param economy this run follows ECONOMY_PATCH (activities.ts).
 */
export function createMemory(
  input: RecordingInput,
  policy: ResolvedPolicy,
  economy: boolean,
  carry?: RecordingCarryOver,
): Memory {
  const t = now();
  const base: Memory = {
    status: {
      state: 'acquiring',
      since: t,
      cname: input.cname,
      uid: input.uid,
      mode: input.mode,
      layout: input.mode === 'mix' ? layoutOf(input.recordingConfig?.transcodingConfig) : undefined,
    },
    fileList: [],
    seenNoticeIds: [],
    early: [],
    recorderUids: [input.uid],
    sessionExited: false,
    startsSent: [],
    cancelRequested: false,
    stopSettled: false,
    layoutApplied: 0,
    subscriptionApplied: 0,
    nextHealthCheckAt: t + policy.healthCheckIntervalSeconds * 1000,
    healthCheckForced: false,
    previousRuns: 0,
    economy,
    resultFields: {},
  };
  if (!carry) return base;
  const { pendingLayout, pendingSubscription } = carry.status;
  return {
    ...base,
    status: carry.status,
    fileList: carry.fileList,
    seenNoticeIds: carry.seenNoticeIds,
    progressSequence: carry.progressSequence,
    recorderUids: carry.recorderUids,
    notFoundSince: carry.notFoundSince,
    nextHealthCheckAt: carry.nextHealthCheckAt,
    ncsSeen: carry.ncsSeen,
    ncsConfigured: carry.ncsConfigured,
    // It recorded long enough to continue as new: it came up (the start-confirmation rules are behind it).
    seenRunning: true,
    previousRuns: carry.previousRuns,
    layoutRequest: pendingLayout && { value: pendingLayout, generation: 1 },
    subscriptionRequest: pendingSubscription && { value: pendingSubscription, generation: 1 },
  };
}

/** What continue-as-new carries to the next run. */
export function carryOver(mem: Memory): RecordingCarryOver {
  return {
    status: mem.status,
    fileList: mem.fileList,
    seenNoticeIds: mem.seenNoticeIds,
    progressSequence: mem.progressSequence,
    recorderUids: mem.recorderUids,
    notFoundSince: mem.notFoundSince,
    nextHealthCheckAt: mem.nextHealthCheckAt,
    ncsSeen: mem.ncsSeen,
    ncsConfigured: mem.ncsConfigured,
    previousRuns: mem.previousRuns + 1,
  };
}

/** The states after which nothing more happens. */
export const isEnded = (state: RecordingState): boolean =>
  state === 'completed' || state === 'no_content' || state === 'exited' || state === 'failed' || state === 'cancelled';

/**
 * Moves to `state`: updates the status, the RecordingStatus search attribute (and AgoraSid/AgoraChannel when given),
 * and the current details shown in the UI. One upsert per transition (one history event).
 */
export function transition(mem: Memory, state: RecordingState, extra: { channel?: boolean; sid?: string } = {}): void {
  mem.status.state = state;
  mem.status.since = now();
  let pairs: SearchAttributePair[] = [{ key: recordingStatusKey, value: state }];
  if (extra.channel) pairs.push({ key: agoraChannelKey, value: mem.status.cname });
  if (extra.sid) pairs.push({ key: agoraSidKey, value: extra.sid });
  // Only what changed (the client already sets AgoraChannel and RecordingStatus=acquiring at start).
  if (mem.economy) pairs = pairs.filter((p) => workflowInfo().typedSearchAttributes.get(p.key) !== p.value);
  if (pairs.length > 0) upsertSearchAttributes(pairs);
  describe(mem);
}

/** Renders the current details (Temporal UI, "Current details"): state, ids, pending work. Markdown, no secrets. */
export function describe(mem: Memory): void {
  const s = mem.status;
  const lines = [
    `**${s.state}** since ${new Date(s.since).toISOString()}`,
    `channel \`${s.cname}\` · recorder uid \`${s.uid}\` · ${s.mode} mode`,
  ];
  if (s.sid) lines.push(`sid \`${s.sid}\``);
  if (s.startedAt) lines.push(`recording since ${new Date(s.startedAt).toISOString()}`);
  if (s.pendingLayout) lines.push('layout change pending');
  if (s.reason) lines.push(`reason: ${s.reason}`);
  if (s.uploadingStatus) lines.push(`upload: ${s.uploadingStatus}`);
  else if (s.uploadProgress !== undefined) lines.push(`upload progress ${(s.uploadProgress / 100).toFixed(0)} %`);
  if (s.lastError) lines.push(`last error: ${s.lastError.type}: ${s.lastError.message}`);
  if (mem.previousRuns > 0) lines.push(`run ${mem.previousRuns + 1} (continued as new)`);
  setCurrentDetails(lines.join('\n\n'));
}

/** One search attribute update, as upsertSearchAttributes takes it (the SDK's SearchAttributeUpdatePair). */
type SearchAttributePair = Extract<Parameters<typeof upsertSearchAttributes>[0], unknown[]>[number];

/**
 * The Agora-facing description of a failure from an activity: the ApplicationFailure `type` the activities throw
 * (AgoraFailureType), `ActivityTimeout`, or `Unknown` with the failure's own type or class name first in the message.
 */
export function describeFailure(err: unknown): { type: LastErrorType; message: string; nonRetryable: boolean } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const nonRetryable = cause.nonRetryable === true;
    if (cause.type === undefined || cause.type === null) {
      return { type: WorkflowErrorType.applicationFailure, message: cause.message, nonRetryable };
    }
    if (isLastErrorType(cause.type)) return { type: cause.type, message: cause.message, nonRetryable };
    return { type: WorkflowErrorType.unknown, message: `${cause.type}: ${cause.message}`, nonRetryable };
  }
  if (cause instanceof TimeoutFailure) {
    const message = cause.message || 'activity timed out';
    return { type: WorkflowErrorType.activityTimeout, message, nonRetryable: false };
  }
  if (cause instanceof Error) {
    return { type: WorkflowErrorType.unknown, message: `${cause.name}: ${cause.message}`, nonRetryable: false };
  }
  return { type: WorkflowErrorType.unknown, message: String(cause), nonRetryable: false };
}

/** Records the last error in the status (and the current details). */
export function recordError(mem: Memory, error: Omit<LastAgoraError, 'at'>): void {
  mem.status.lastError = { ...error, at: now() };
  describe(mem);
}

/**
 * A fileList (https://docs.agora.io/en/cloud-recording/rest-api/query,
 * https://docs.agora.io/en/cloud-recording/rest-api/stop: a string in fileListMode "string", else entries) as entries.
 * An empty string (query and stop before the first slice: no M3U8 exists yet) is no file (sim seeds 1244, 1550).
 * Only the result and the carried list change with it, never a command, so histories replay without a patch.
 */
export function normaliseFileList(fileList: FileList | undefined): FileListEntry[] {
  if (fileList === undefined || fileList === '') return [];
  return typeof fileList === 'string' ? [{ fileName: fileList }] : fileList;
}

/**
 * Merges files from any source into `mem.fileList`: stop's answer (https://docs.agora.io/en/cloud-recording/rest-api/stop),
 * the query's (https://docs.agora.io/en/cloud-recording/rest-api/query), and NCS events 4, 31, 32, 45 and 71
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications). Entries are keyed by `fileName` (or
 * `filename`): a newer entry for a known name updates it field by field (a sparse entry, e.g. event 4's bare M3U8 name,
 * never erases what an earlier one said), a new name is appended, and no entry is ever removed. Entries without a name
 * are appended unless an identical one is there. Anything that is not an object is skipped.
 * @param entries a fileList as Agora sends it: one M3U8 name (fileListMode "string") or entries; undefined adds nothing.
 */
export function mergeFileList(mem: Memory, entries: FileList | undefined): void {
  const incoming = normaliseFileList(entries) as unknown[];
  if (incoming.length === 0) return;
  // One pass with an index by key: a signal may carry thousands of entries, and the workflow task must stay short.
  const list = [...mem.fileList];
  const at = new Map(list.map((known, i) => [fileKey(known), i]));
  for (const entry of incoming) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
    const key = fileKey(entry as FileListEntry);
    const i = at.get(key);
    if (i === undefined) {
      at.set(key, list.length);
      list.push({ ...entry });
    } else list[i] = { ...list[i], ...entry };
  }
  mem.fileList = list;
}

/** The merge key of a file entry: its `fileName` (or `filename`, as some of Agora's pages spell it), else its JSON. */
function fileKey(entry: FileListEntry): string {
  const name = entry.fileName ?? entry.filename;
  return typeof name === 'string' ? `name:${name}` : `json:${JSON.stringify(entry)}`;
}

/** The typed result of the run that ends the recording. */
export function buildResult(mem: Memory, ending: RecordingEnding): RecordingResult {
  const s = mem.status;
  return {
    ending,
    cname: s.cname,
    uid: s.uid,
    mode: s.mode,
    resourceId: s.resourceId,
    sid: s.sid,
    startedAt: s.startedAt,
    stoppedAt: mem.resultFields.stoppedAt,
    endedAt: now(),
    fileList: mem.fileList,
    uploadingStatus: s.uploadingStatus,
    leaveCode: mem.resultFields.leaveCode,
    exitStatus: mem.resultFields.exitStatus,
    reason: s.reason,
    lastError: s.lastError,
    taskMayStillRun: mem.resultFields.taskMayStillRun,
  };
}
