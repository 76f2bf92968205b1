/**
 * The recording workflow's contract with its callers: its name, default task queue, ID scheme, input, status, result
 * and carry-over types. Plain JSON, so callers using other Temporal SDKs can speak it too (see
 * docs/recording-input.schema.json). Agora's API: https://docs.agora.io/en/cloud-recording/rest-api/overview.
 */
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
} from './agora';
import type { LastAgoraError } from './failures';

/** Workflow type name. */
export const recordingWorkflowName = 'recordingWorkflow';
/** Default task queue of the worker. */
export const defaultTaskQueue = 'agora-recording';

/**
 * Workflow ID of a recording: one live recording per recorder identity (appId, cname, uid), as Agora requires
 * (https://docs.agora.io/en/cloud-recording/rest-api/overview). `/` never occurs in an RTC channel name, so the ID is
 * unambiguous. Format: `recording/{appId}/{cname}/{uid}`.
 */
export function recordingWorkflowId(appId: string, cname: string, uid: string): string {
  return `recording/${appId}/${cname}/${uid}`;
}

/**
 * How long things may take. All durations in SECONDS. Every field is optional; the defaults are in
 * `defaultRecordingPolicy` (limits.ts). The defaults keep an idle recording hour at 12 history events (2 health checks
 * of 6 events each), inside the budget of 20.
 */
export interface RecordingPolicy {
  /** Stop automatically after this long in the recording state. Default 14 400 s (4 h). */
  maxDurationSeconds?: number;
  /** After stop, wait at most this long for uploaded (NCS 31) or backuped (NCS 32). Default 600 s. */
  uploadTimeoutSeconds?: number;
  /**
   * Query fallback cadence while recording, at least 10 s; NCS events come first (each one postpones the next query).
   * Default 1800 s (30 min): each check is a local activity (6 history events), so an idle hour costs 12 events; a
   * shorter cadence spends the history budget faster (and continues as new sooner). Agora suggests querying every ~2
   * min when polling is the only signal
   * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices); here NCS comes first and the
   * query is only the fallback for lost notifications, so a lost recorder_leave is noticed within 30 min (the recorder
   * itself has already left: no billing).
   */
  healthCheckIntervalSeconds?: number;
  /** acquire attempts (each resourceId lives 5 minutes) before giving up, 1..20. Default 3. */
  maxAcquireAttempts?: number;
  /**
   * A 404 from query shorter than this is Agora failing a recorder over, not death
   * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices). Default 90 s.
   */
  failoverWindowSeconds?: number;
  /**
   * How long after acquire the workflow keeps trying to start on one resourceId, 1..290 s. Agora's resourceId lives 300
   * s from the acquire call (https://docs.agora.io/en/cloud-recording/rest-api/acquire); the default 270 s leaves a
   * margin for clock skew and the call in flight.
   */
  startWindowSeconds?: number;
  /**
   * Continue-as-new once the run's history reaches this many events, in addition to the server's
   * continueAsNewSuggested. Meant for tests and for operators who want shorter runs. Default: only when suggested.
   */
  continueAsNewAfterEvents?: number;
}

/**
 * Input of {@link recordingWorkflowName}. Plain JSON; contains no secret (storage is a profile name resolved by the
 * worker). Validated by the client library (zod) and again by the workflow (non-retryable failure naming the field).
 */
export interface RecordingInput {
  /** Channel to record (https://docs.agora.io/en/cloud-recording/rest-api/overview). */
  cname: string;
  /**
   * Recorder uid, decimal string 1..2^32-1 (https://docs.agora.io/en/cloud-recording/rest-api/overview). The client
   * allocates one in the reserved range when omitted.
   */
  uid: string;
  mode: RecordingMode;
  /**
   * https://docs.agora.io/en/cloud-recording/rest-api/start; required for individual and mix. The mix layout lives in
   * recordingConfig.transcodingConfig.
   */
  recordingConfig?: RecordingConfig;
  /** https://docs.agora.io/en/cloud-recording/rest-api/start */
  recordingFileConfig?: RecordingFileConfig;
  /** https://docs.agora.io/en/cloud-recording/rest-api/start, individual only. */
  snapshotConfig?: SnapshotConfig;
  /** https://docs.agora.io/en/cloud-recording/rest-api/start, web only. */
  extensionServiceConfig?: ExtensionServiceConfig;
  /**
   * Storage profile configured on the worker (STORAGE_PROFILES) and the file-name prefix segments
   * (https://docs.agora.io/en/cloud-recording/rest-api/start).
   */
  storage: { profile: string; fileNamePrefix?: string[] };
  /**
   * Channel decryption by reference: the name of an encryption profile configured on the worker (decryptionMode,
   * secret, salt; https://docs.agora.io/en/cloud-recording/rest-api/start). recordingConfig.secret and .salt are
   * refused in the input, so the key never enters history.
   */
  encryptionProfile?: string;
  /** RTC token for the recorder uid; when absent the worker mints one if it has an App Certificate. */
  token?: string;
  /**
   * Hours the API stays usable after start, 1..720; default 72
   * (https://docs.agora.io/en/cloud-recording/rest-api/acquire). Must exceed maxDurationSeconds.
   */
  resourceExpiredHour?: number;
  policy?: RecordingPolicy;
}

/** Workflow states (docs/architecture.md), also the RecordingStatus search attribute. */
export type RecordingState =
  | 'acquiring'
  | 'starting'
  | 'recording'
  | 'stopping'
  | 'uploading'
  | 'reconciling'
  | 'completed'
  | 'no_content'
  | 'exited'
  | 'failed'
  | 'cancelled';

/** How a recording ended. */
export type RecordingEnding = 'completed' | 'no_content' | 'exited' | 'failed' | 'cancelled';

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
  /**
   * recorder_leave bit mask (https://docs.agora.io/en/cloud-recording/develop/receive-notifications), when a
   * recorder_leave from this task's recorder arrived.
   */
  leaveCode?: number;
  /**
   * session_exit exitStatus (https://docs.agora.io/en/cloud-recording/develop/receive-notifications): 0 normal exit
   * after upload, 1 abnormal.
   */
  exitStatus?: number;
  /** Why it stopped: 'stop requested', 'max duration', 'cancelled', 'idle exit', ... */
  reason?: string;
  lastError?: LastAgoraError;
  /**
   * true when the workflow ended without confirming that Agora's task is gone, after reconciling (state
   * `reconciling`: stopping it with backoff, or waiting for the sid of a start that may have taken) until the
   * resourceId expired (resourceExpiredHour): nothing more could be done. Agora ends such a task by itself after
   * maxIdleTime of an empty channel.
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
  /** The subscription last applied with update (https://docs.agora.io/en/cloud-recording/rest-api/update). */
  subscription?: StreamSubscribe;
  /** The subscription requested and not yet applied, if any. */
  pendingSubscription?: StreamSubscribe;
  /** uploading_progress (https://docs.agora.io/en/cloud-recording/develop/receive-notifications): 0..10000. */
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
  /**
   * Recorder uids of this task: the input uid, then any session_failover newUid
   * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications event 12).
   */
  recorderUids: string[];
  /** Unix ms of the first query 404 of an ongoing failover, if any. */
  notFoundSince?: number;
  /** Unix ms when the next fallback query is due. */
  nextHealthCheckAt: number;
  /** A notification of this sid arrived in an earlier run. */
  ncsSeen?: boolean;
  /** The worker said NCS is not configured (start's result); see RecordingPolicy.healthCheckIntervalSeconds. */
  ncsConfigured?: boolean;
  /** How many runs came before this one (0 for the first run). */
  previousRuns: number;
}
