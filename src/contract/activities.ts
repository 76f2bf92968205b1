/**
 * The activity contract between the recording workflow and the Agora activities: the inputs, results and options of
 * acquire, start, query, update, updateLayout and stop. src/activities implements the interface; the workflow proxies
 * it with these options. Shapes are plain JSON (they travel through history), so no secret may appear here: storage is
 * named by profile, resolved inside the activity from worker configuration.
 *
 * Business outcomes the workflow must branch on are RESULTS (a `kind`); everything else is an ApplicationFailure whose
 * `type` is one of {@link AgoraFailureType}.
 */
import type { ActivityOptions } from '@temporalio/workflow';
import { AgoraFailureType } from './failures';
import type {
  ExtensionServiceConfig,
  FileList,
  MixLayout,
  RecordingConfig,
  RecordingFileConfig,
  RecordingMode,
  SnapshotConfig,
  StreamSubscribe,
  UploadingStatus,
} from './agora';

/**
 * The recorder identity: one live task per (appId, cname, uid)
 * (https://docs.agora.io/en/cloud-recording/rest-api/overview).
 */
export interface RecorderIdentity {
  cname: string;
  /** Recorder uid, decimal string in 1..2^32-1. */
  uid: string;
  mode: RecordingMode;
}

/** acquire (https://docs.agora.io/en/cloud-recording/rest-api/acquire). */
export interface AcquireInput extends RecorderIdentity {
  /** Hours the API stays usable after start, 1..720 (default 72). */
  resourceExpiredHour?: number;
  region?: 'CN' | 'AP' | 'EU' | 'NA';
  excludeResourceIds?: string[];
}
export interface AcquireResult {
  resourceId: string;
  /** Agora's request id of the call, when it sent one. */
  requestId?: string;
}

/**
 * start (https://docs.agora.io/en/cloud-recording/rest-api/start). Storage is a profile NAME; the activity resolves its
 * credentials.
 */
export interface StartInput extends RecorderIdentity {
  resourceId: string;
  storageProfile: string;
  fileNamePrefix?: string[];
  recordingConfig?: RecordingConfig;
  recordingFileConfig?: RecordingFileConfig;
  snapshotConfig?: SnapshotConfig;
  extensionServiceConfig?: ExtensionServiceConfig;
  /**
   * Channel decryption by reference: the name of an encryption profile of the worker (decryptionMode, secret, salt),
   * merged into recordingConfig by the activity, so the key never enters workflow history
   * (https://docs.agora.io/en/cloud-recording/rest-api/start).
   */
  encryptionProfile?: string;
  /** RTC token supplied by the caller; when absent and an App Certificate is configured, the activity mints one. */
  token?: string;
  /** Lifetime of a minted token, seconds; should cover the recording's maximum duration. */
  tokenLifetimeSeconds?: number;
}
/**
 * `alreadyStarted` is Agora's 201/code 7: this resourceId was started before (our earlier attempt whose response was
 * lost). The sid is present only if Agora echoed it; otherwise the workflow recovers it from recorder_started.
 */
export type StartResult = (
  { alreadyStarted: false; sid: string; requestId?: string } | { alreadyStarted: true; sid?: string }
) & {
  /** What a query about 5 s after the sid said (see {@link StartConfirmation}); absent from results of older workers. */
  confirmation?: StartConfirmation;
  /**
   * false when the worker is configured without NCS (NCS_CONFIGURED=false): the workflow then queries at Agora's
   * polling cadence instead of healthCheckIntervalSeconds.
   */
  ncsConfigured?: boolean;
};

/**
 * Start confirmation (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices: about 5 s
 * after the sid, query; status 4 or 5 means running, asked again with back-off while lower): `running`, `starting`
 * (still below 4 after the last query), `ended` (status 6 and above, or code 501), `not_found` (404: gone, or a
 * failover), `unknown` (the query failed, or no time was left in the start activity's start-to-close).
 */
export interface StartConfirmation {
  kind: 'running' | 'starting' | 'ended' | 'not_found' | 'unknown';
  /** The last query's status, when it answered one. */
  status?: number;
}

/** A running session. */
export interface SessionRef extends RecorderIdentity {
  resourceId: string;
  sid: string;
}

/**
 * query (https://docs.agora.io/en/cloud-recording/rest-api/query). `not_found` is a 404: gone, or inside Agora's ~90 s
 * failover window (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices); the workflow
 * decides. `exiting` is code 501, "recording service is exiting"
 * (https://docs.agora.io/en/cloud-recording/rest-api/status-codes legacy, e.g. a query right after the task ended): the
 * recording is ending, no failover window applies. `fileList` is the files recorded so far, as query lists them (one M3U8
 * name in fileListMode "string", entries in "json"; web mode's from the web_recorder_service payload): with NCS lost,
 * the last query's list may be all the workflow knows of the files (merged into its result, state.ts mergeFileList).
 * `sliceStartTime` is Unix ms.
 */
export type QueryResult =
  | { kind: 'ok'; status?: number; fileList?: FileList; sliceStartTime?: number }
  | { kind: 'not_found' }
  | { kind: 'exiting' };

/**
 * updateLayout (https://docs.agora.io/en/cloud-recording/rest-api/update-layout): the FULL desired layout (Agora
 * replaces the whole layout).
 */
export interface UpdateLayoutInput extends SessionRef {
  layout: MixLayout;
}
/** update (https://docs.agora.io/en/cloud-recording/rest-api/update): subscription and/or web onhold. */
export interface UpdateInput extends SessionRef {
  streamSubscribe?: StreamSubscribe;
  webRecordingConfig?: { onhold: boolean };
  /**
   * Re-send this storage profile's storageConfig (a profile NAME; the activity resolves it), e.g. to refresh STS
   * credentials on long recordings (https://docs.agora.io/en/cloud-recording/rest-api/start,
   * https://docs.agora.io/en/cloud-recording/rest-api/update).
   */
  storageProfile?: string;
  /** The recording's fileNamePrefix, sent with `storageProfile`. */
  fileNamePrefix?: string[];
}
export type UpdateResult = { kind: 'ok' } | { kind: 'not_found' };

/** stop (https://docs.agora.io/en/cloud-recording/rest-api/stop). */
export interface StopInput extends SessionRef {
  /** true: Agora answers at once and the upload result comes by NCS (31/32). Default false (sync, ≤ ~20 s). */
  asyncStop?: boolean;
}
/**
 * `stopped`: 200 (uploadingStatus when Agora gave one); `no_content`: 206/435; `already_exiting`: 400/49 (also code 50
 * upload timeout); `not_found`: 404 (task gone). A 206/65 is NOT a result: the activity fails with AgoraRetrySameCall
 * and is retried (a repeated stop answers 49 if the first one landed, so no recorder is left running).
 */
export type StopResult = (
  | { kind: 'stopped'; uploadingStatus?: UploadingStatus; fileList?: FileList }
  | { kind: 'no_content' }
  | {
      kind: 'already_exiting';
      /** Agora's body code: 49 (already stopping or stopped), 50 (this stop took, its upload timed out), 501 (legacy). */
      code?: number;
    }
  | { kind: 'not_found' }
) & {
  /**
   * Attempts of this stop before the one answered: one of them may have ended the task (its answer lost), so a 49 or
   * 404 now may be our own stop's doing, not Agora ending the task by itself.
   */
  earlierAttempts?: number;
};

/** The activities the workflow proxies. */
export interface RecordingActivities {
  acquire(input: AcquireInput): Promise<AcquireResult>;
  start(input: StartInput): Promise<StartResult>;
  query(input: SessionRef): Promise<QueryResult>;
  update(input: UpdateInput): Promise<UpdateResult>;
  updateLayout(input: UpdateLayoutInput): Promise<UpdateResult>;
  stop(input: StopInput): Promise<StopResult>;
}

/** Failures that no retry can fix. The activities also mark them non-retryable; listed here as a second guard. */
export const nonRetryableAgoraFailures: string[] = [
  AgoraFailureType.invalidRequest,
  AgoraFailureType.authFailed,
  AgoraFailureType.reacquire,
  AgoraFailureType.taskConflict,
  AgoraFailureType.invalidResponse,
  AgoraFailureType.unknownStorageProfile,
];

/** Options per activity. startToCloseTimeout covers one HTTP call including domain failover. */
export const activityOptions = {
  acquire: {
    startToCloseTimeout: '20 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '10 seconds',
      maximumAttempts: 6,
      nonRetryableErrorTypes: nonRetryableAgoraFailures,
    },
  },
  start: {
    startToCloseTimeout: '20 seconds',
    retry: {
      initialInterval: '3 seconds',
      backoffCoefficient: 2,
      maximumInterval: '9 seconds',
      maximumAttempts: 4,
      nonRetryableErrorTypes: nonRetryableAgoraFailures,
    },
  },
  query: {
    startToCloseTimeout: '15 seconds',
    retry: {
      initialInterval: '5 seconds',
      backoffCoefficient: 2,
      maximumInterval: '30 seconds',
      maximumAttempts: 4,
      nonRetryableErrorTypes: nonRetryableAgoraFailures,
    },
  },
  update: {
    startToCloseTimeout: '15 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '15 seconds',
      maximumAttempts: 6,
      nonRetryableErrorTypes: nonRetryableAgoraFailures,
    },
  },
  updateLayout: {
    startToCloseTimeout: '15 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '15 seconds',
      maximumAttempts: 6,
      nonRetryableErrorTypes: nonRetryableAgoraFailures,
    },
  },
  /**
   * Sync stop waits for the upload (≤ ~20 s, https://docs.agora.io/en/cloud-recording/rest-api/stop): 40 s per attempt;
   * retried for up to 30 minutes.
   */
  stop: {
    startToCloseTimeout: '40 seconds',
    scheduleToCloseTimeout: '30 minutes',
    retry: {
      initialInterval: '3 seconds',
      backoffCoefficient: 2,
      maximumInterval: '60 seconds',
      nonRetryableErrorTypes: nonRetryableAgoraFailures,
    },
  },
} satisfies Record<string, ActivityOptions>;
