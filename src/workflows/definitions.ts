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

/** How long things may take. All durations in SECONDS. */
export interface RecordingPolicy {
  /** Stop automatically after this long in the recording state. Default 4 h (14 400 s). */
  maxDurationSeconds?: number;
  /** After stop, wait at most this long for uploaded/backuped. Default 600 s. */
  uploadTimeoutSeconds?: number;
  /** Query fallback cadence while recording; NCS events come first. Default 300 s. */
  healthCheckIntervalSeconds?: number;
  /** acquire attempts (each resourceId lives 5 minutes) before giving up. Default 3. */
  maxAcquireAttempts?: number;
  /** A 404 from query shorter than this is Agora failing a recorder over, not death (§7). Default 90 s. */
  failoverWindowSeconds?: number;
}

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

/** Typed result of a recording. Times are Unix ms. */
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
  /** recorder_leave bit mask (§6.4), when Agora ended the recording. */
  leaveCode?: number;
  /** session_exit exitStatus (§6.4). */
  exitStatus?: number;
  /** Why it stopped: 'stop requested', 'max duration', 'cancelled', 'idle exit', ... */
  reason?: string;
  lastError?: LastAgoraError;
}

/** Answer of {@link statusQuery}. Times are Unix ms. */
export interface RecordingStatus {
  state: RecordingState;
  since: number;
  cname: string;
  uid: string;
  resourceId?: string;
  sid?: string;
  /** The layout last applied to Agora (mix). */
  layout?: MixLayout;
  /** The layout requested and not yet applied, if any. */
  pendingLayout?: MixLayout;
  subscription?: StreamSubscribe;
  /** uploading_progress (§6.4): 0..10000. */
  uploadProgress?: number;
  uploadingStatus?: UploadingStatus;
  lastError?: LastAgoraError;
}

/** Carried across continue-as-new; internal but part of the input so histories replay. */
export interface RecordingCarryOver {
  status: RecordingStatus;
  startedAt?: number;
  seenNoticeIds: string[];
  lastSequence?: number;
  stopRequested?: string;
}

/** Replace the mix layout (full layout, newest wins; §3.5). */
export const updateLayoutSignal = defineSignal<[MixLayout]>('updateLayout');
/** Replace the subscription lists (§3.4). */
export const updateSubscriptionSignal = defineSignal<[StreamSubscribe]>('updateSubscription');
/** Stop the recording; the argument is a human reason. */
export const stopSignal = defineSignal<[reason?: string]>('stop');
/** An NCS notification for this recording, forwarded by the receiver (src/callbacks). */
export const agoraNotificationSignal = defineSignal<[NcsNotification]>('agoraNotification');

/** Replace the layout and wait until Agora applied it (or a newer one superseded it). Validated before acceptance. */
export const updateLayoutUpdate = defineUpdate<RecordingStatus, [MixLayout]>('updateLayout');
/** Stop and wait until the stop call returned (not the upload). Rejected when the recording already ended. */
export const stopUpdate = defineUpdate<RecordingStatus, [reason?: string]>('stop');

/** Current state, ids, layout, upload progress, last error. */
export const statusQuery = defineQuery<RecordingStatus>('status');
