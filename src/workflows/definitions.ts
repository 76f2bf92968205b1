/**
 * The public contract of the recording workflow: its name, default task queue, ID scheme, input and result types,
 * signals, updates, queries and search attributes. Imported by the client library, the NCS receiver and the workflow.
 * Everything here is plain JSON so callers using other Temporal SDKs can speak it too (see docs/recording-input.schema.json).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ExtensionServiceConfig,
  FileListEntry,
  MixLayout,
  RecordingConfig,
  RecordingFileConfig,
  RecordingMode,
  SnapshotConfig,
  StreamSubscribe,
  UploadingStatus,
} from '../agora/schemas';
import type { NcsNotification } from '../agora/notifications';

export { agoraChannelKey, agoraSidKey, recordingStatusKey, searchAttributeKeys } from './search-attributes';
export type { MixLayout, RecordingMode, StreamSubscribe, UploadingStatus, FileListEntry, NcsNotification };

/** Workflow type name. */
export const recordingWorkflowName = 'recordingWorkflow';
/** Default task queue of the worker. */
export const defaultTaskQueue = 'agora-recording';

/**
 * Workflow ID of a recording: one live recording per recorder identity (appId, cname, uid), as Agora requires (§2.1).
 * `/` never occurs in an RTC channel name, so the ID is unambiguous. Format: `recording/{appId}/{cname}/{uid}`.
 */
export function recordingWorkflowId(appId: string, cname: string, uid: string): string {
  return `recording/${appId}/${cname}/${uid}`;
}

/**
 * How long things may take. All durations in SECONDS. Every field is optional; the defaults are in
 * {@link defaultRecordingPolicy}. The defaults keep an idle recording hour at 12 history events (2 health checks of 6
 * events each), inside the budget of 20.
 */
export interface RecordingPolicy {
  /** Stop automatically after this long in the recording state. Default 14 400 s (4 h). */
  maxDurationSeconds?: number;
  /** After stop, wait at most this long for uploaded (NCS 31) or backuped (NCS 32). Default 600 s. */
  uploadTimeoutSeconds?: number;
  /**
   * Query fallback cadence while recording, at least 10 s; NCS events come first (each one postpones the next query).
   * Default 1800 s (30 min): each check is a local activity (6 history events), so an idle hour costs 12 events; a
   * shorter cadence spends the history budget faster (and continues as new sooner). Agora suggests querying every
   * ~2 min when polling is the only signal (§7); here NCS comes first and the query is only the fallback for lost
   * notifications, so a lost recorder_leave is noticed within 30 min (the recorder itself has already left: no billing).
   */
  healthCheckIntervalSeconds?: number;
  /** acquire attempts (each resourceId lives 5 minutes) before giving up, 1..20. Default 3. */
  maxAcquireAttempts?: number;
  /** A 404 from query shorter than this is Agora failing a recorder over, not death (§7). Default 90 s. */
  failoverWindowSeconds?: number;
  /**
   * How long after acquire the workflow keeps trying to start on one resourceId, 1..290 s. Agora's resourceId lives
   * 300 s from the acquire call (§3.1); the default 270 s leaves a margin for clock skew and the call in flight.
   */
  startWindowSeconds?: number;
  /**
   * Continue-as-new once the run's history reaches this many events, in addition to the server's
   * continueAsNewSuggested. Meant for tests and for operators who want shorter runs. Default: only when suggested.
   */
  continueAsNewAfterEvents?: number;
}

/** Defaults of {@link RecordingPolicy}, in seconds. */
export const defaultRecordingPolicy = {
  maxDurationSeconds: 14_400,
  uploadTimeoutSeconds: 600,
  healthCheckIntervalSeconds: 1_800,
  maxAcquireAttempts: 3,
  failoverWindowSeconds: 90,
  startWindowSeconds: 270,
} as const;

/**
 * Input of {@link recordingWorkflowName}. Plain JSON; contains no secret (storage is a profile name resolved by the
 * worker). Validated by the client library (zod) and again by the workflow (non-retryable failure naming the field).
 */
export interface RecordingInput {
  /** Channel to record (§2.1). */
  cname: string;
  /** Recorder uid, decimal string 1..2^32-1 (§2.1). The client allocates one in the reserved range when omitted. */
  uid: string;
  mode: RecordingMode;
  /** §3.2.1; required for individual and mix. The mix layout lives in recordingConfig.transcodingConfig. */
  recordingConfig?: RecordingConfig;
  /** §3.2.5 */
  recordingFileConfig?: RecordingFileConfig;
  /** §3.2.5, individual only. */
  snapshotConfig?: SnapshotConfig;
  /** §3.2.7, web only. */
  extensionServiceConfig?: ExtensionServiceConfig;
  /** Storage profile configured on the worker (STORAGE_PROFILES) and the file-name prefix segments (§3.2.6). */
  storage: { profile: string; fileNamePrefix?: string[] };
  /**
   * Channel decryption by reference: the name of an encryption profile configured on the worker (decryptionMode,
   * secret, salt; §3.2.1). recordingConfig.secret and .salt are refused in the input, so the key never enters history.
   */
  encryptionProfile?: string;
  /** RTC token for the recorder uid; when absent the worker mints one if it has an App Certificate. */
  token?: string;
  /** Hours the API stays usable after start, 1..720; default 72 (§3.1). Must exceed maxDurationSeconds. */
  resourceExpiredHour?: number;
  policy?: RecordingPolicy;
}

/** Workflow states (ARCHITECTURE.md), also the RecordingStatus search attribute. */
export type RecordingState =
  | 'acquiring'
  | 'starting'
  | 'recording'
  | 'stopping'
  | 'uploading'
  | 'completed'
  | 'no_content'
  | 'exited'
  | 'failed'
  | 'cancelled';

/** How a recording ended. */
export type RecordingEnding = 'completed' | 'no_content' | 'exited' | 'failed' | 'cancelled';

/** The last Agora error the workflow saw. `at` is Unix ms. */
export interface LastAgoraError {
  type: string;
  message: string;
  at: number;
}

/**
 * Typed result of a recording. Times are Unix ms (workflow time). `failed` and `cancelled` are results too, so the
 * caller always gets ids, files and the last error: Agora failures do not fail the workflow execution (look for
 * `RecordingStatus = "failed"`); only an invalid input does.
 */
export interface RecordingResult {
  ending: RecordingEnding;
  cname: string;
  uid: string;
  mode: RecordingMode;
  resourceId?: string;
  sid?: string;
  startedAt?: number;
  stoppedAt?: number;
  endedAt: number;
  /** Files, normalised to entries (a string fileList becomes one entry). */
  fileList: FileListEntry[];
  uploadingStatus?: UploadingStatus;
  /** recorder_leave bit mask (§6.4), when a recorder_leave from this task's recorder arrived. */
  leaveCode?: number;
  /** session_exit exitStatus (§6.4): 0 normal exit after upload, 1 abnormal. */
  exitStatus?: number;
  /** Why it stopped: 'stop requested', 'max duration', 'cancelled', 'idle exit', ... */
  reason?: string;
  lastError?: LastAgoraError;
  /**
   * true when the workflow ended without confirming that Agora's task is gone: a start took but its sid could not be
   * recovered, or stop kept failing. Agora ends such a task by itself after maxIdleTime of an empty channel.
   */
  taskMayStillRun?: boolean;
}

/** Answer of {@link statusQuery}. Times are Unix ms (workflow time). */
export interface RecordingStatus {
  state: RecordingState;
  /** When the workflow entered `state`. */
  since: number;
  cname: string;
  uid: string;
  mode: RecordingMode;
  resourceId?: string;
  sid?: string;
  /** When the recording state began (sid known). */
  startedAt?: number;
  /** The layout last applied to Agora (mix); starts as the layout of recordingConfig.transcodingConfig. */
  layout?: MixLayout;
  /** The layout requested and not yet applied, if any. */
  pendingLayout?: MixLayout;
  /** The subscription last applied with update (§3.4). */
  subscription?: StreamSubscribe;
  /** The subscription requested and not yet applied, if any. */
  pendingSubscription?: StreamSubscribe;
  /** uploading_progress (§6.4): 0..10000. */
  uploadProgress?: number;
  uploadingStatus?: UploadingStatus;
  /** Why the recording is stopping or ended, once known: 'stop requested', 'max duration', 'idle exit', ... */
  reason?: string;
  lastError?: LastAgoraError;
}

/**
 * Carried across continue-as-new as the workflow's second argument; internal, but part of the input so histories
 * replay. Only a run in the `recording` state continues as new, after every handler finished and with no pending work.
 */
export interface RecordingCarryOver {
  status: RecordingStatus;
  /** Files known so far (normally none while recording). */
  fileList: FileListEntry[];
  /** The most recent noticeIds seen, oldest first, bounded (de-duplication survives continue-as-new). */
  seenNoticeIds: string[];
  /** payload.sequence of the uploading_progress notification last applied. */
  progressSequence?: number;
  /** Recorder uids of this task: the input uid, then any session_failover newUid (§6.4 event 12). */
  recorderUids: string[];
  /** Unix ms of the first query 404 of an ongoing failover, if any. */
  notFoundSince?: number;
  /** Unix ms when the next fallback query is due. */
  nextHealthCheckAt: number;
  /** How many runs came before this one (0 for the first run). */
  previousRuns: number;
}

/**
 * The `type` of the ApplicationFailures the workflow throws or rejects updates with. Clients match on these.
 * `InvalidRecordingInput` fails the workflow (non-retryable); the others reject or fail an update.
 */
export const RecordingFailureType = {
  /** The workflow input is invalid; the message names the field. Non-retryable. */
  invalidInput: 'InvalidRecordingInput',
  /** updateLayout on a recording whose mode is not mix (§3.5). */
  notMixMode: 'NotMixMode',
  /** The update needs the recording state and the recording is elsewhere (starting, stopping, ended). */
  notRecording: 'NotRecording',
  /** The layout is invalid; the message names the field (Agora would answer 1028/2). */
  invalidLayout: 'InvalidLayout',
  /** The recording ended before the request could be applied. */
  recordingEnded: 'RecordingEnded',
  /** Agora refused or never answered the layout change; the message carries Agora's error type. */
  layoutNotApplied: 'LayoutNotApplied',
} as const;
export type RecordingFailureType = (typeof RecordingFailureType)[keyof typeof RecordingFailureType];

/**
 * Replace the mix layout (full layout, newest wins; §3.5). Taken while acquiring, starting or recording (until a stop
 * is requested) and applied once recording; an invalid layout, or one sent to a recording that is not mix, is ignored
 * (logged, never applied).
 */
export const updateLayoutSignal = defineSignal<[MixLayout]>('updateLayout');
/** Replace the subscription lists (full lists, newest wins; §3.4). Invalid lists are ignored (logged). */
export const updateSubscriptionSignal = defineSignal<[StreamSubscribe]>('updateSubscription');
/** Stop the recording; the argument is a human reason. Stop also comes from cancellation and the max duration. */
export const stopSignal = defineSignal<[reason?: string]>('stop');
/**
 * An NCS notification for this recording, forwarded as received by the receiver (src/callbacks). The workflow
 * de-duplicates by noticeId and ignores notifications of another cname or sid, so resends and strays are harmless.
 */
export const agoraNotificationSignal = defineSignal<[NcsNotification]>('agoraNotification');

/**
 * Replace the layout and wait until Agora applied it or a newer layout superseded it; returns the status then.
 * Rejected (ApplicationFailure type from {@link RecordingFailureType}) when the mode is not mix, the workflow is not
 * recording, or the layout is invalid; fails with `LayoutNotApplied` when Agora refused it, `RecordingEnded` when the
 * recording ended first.
 */
export const updateLayoutUpdate = defineUpdate<RecordingStatus, [MixLayout]>('updateLayout');
/**
 * Stop and wait until the stop call returned (not the upload); returns the status then. Rejected with `NotRecording`
 * when the recording already ended. The reason is required in the type (the client's executeUpdate cannot take an
 * optional argument) but tolerated as absent on the wire, for other SDKs.
 */
export const stopUpdate = defineUpdate<RecordingStatus, [reason: string]>('stop');

/** Current state, ids, layout, upload progress, last error. */
export const statusQuery = defineQuery<RecordingStatus>('status');
