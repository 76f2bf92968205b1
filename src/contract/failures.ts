/**
 * Every failure `type` string the recording crosses its wire with, as closed sets: what the workflow rejects updates or
 * fails with ({@link RecordingFailureType}), what the activities throw ({@link AgoraFailureType}), and what else the
 * workflow writes to `lastError` ({@link WorkflowErrorType}). Clients match on these strings.
 * Agora's codes: https://docs.agora.io/en/cloud-recording/rest-api/status-codes.
 */

/**
 * The `type` of the ApplicationFailures the workflow throws or rejects updates with. `InvalidRecordingInput` fails the
 * workflow (non-retryable); the others reject or fail an update.
 */
export const RecordingFailureType = {
  /** The workflow input is invalid; the message names the field. Non-retryable. */
  invalidInput: 'InvalidRecordingInput',
  /** updateLayout on a recording whose mode is not mix. */
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

/** The closed set of ApplicationFailure `type`s the activities throw. */
export const AgoraFailureType = {
  /** 400 code 2 / 1028 / 432 ...: the request is wrong. Non-retryable. */
  invalidRequest: 'AgoraInvalidRequest',
  /** 401, or 400 `appid is invalid`: credentials or App ID. Non-retryable. */
  authFailed: 'AgoraAuthFailed',
  /** The resourceId cannot be used any more (433 expired, 1001, 502 allocate failed...): acquire again. Non-retryable. */
  reacquire: 'AgoraReacquireNeeded',
  /** 400 code 53: a task for this cname+uid already runs. Non-retryable. */
  taskConflict: 'AgoraTaskConflict',
  /** 429: retryable, with nextRetryDelay from Retry-After. */
  rateLimited: 'AgoraRateLimited',
  /** 400 code 406: concurrency quota. Retryable later. */
  quotaExceeded: 'AgoraQuotaExceeded',
  /** 206 code 65, 504 code 62: retry the same call. Retryable. */
  retrySameCall: 'AgoraRetrySameCall',
  /** 5xx: retryable. */
  serverError: 'AgoraServerError',
  /** No answer (connection refused, timeout) on every domain: retryable. */
  network: 'AgoraNetworkError',
  /** A response body that fails its schema. Non-retryable. */
  invalidResponse: 'AgoraInvalidResponse',
  /** The storage profile name is not configured on this worker. Non-retryable. */
  unknownStorageProfile: 'UnknownStorageProfile',
} as const;
export type AgoraFailureType = (typeof AgoraFailureType)[keyof typeof AgoraFailureType];

/** The other `lastError.type`s the workflow records: what it concluded, not what an activity threw. */
export const WorkflowErrorType = {
  /** query, update or stop answered 404: the task is gone, or a failover is in progress. */
  notFound: 'AgoraNotFound',
  /** No uploaded/backuped notification within uploadTimeoutSeconds after stop. */
  uploadTimeout: 'UploadTimeout',
  /** NCS event 1 (cloud_recording_error) arrived. */
  ncsError: 'AgoraNcsError',
  /** The start window of a resourceId closed before a start succeeded. */
  startWindowClosed: 'StartWindowClosed',
  /** A start took (code 7) but its sid never came back. */
  sidNotRecovered: 'SidNotRecovered',
  /**
   * Agora's task may still run and the workflow could not confirm it gone (stop unreachable, or 404 beyond the failover
   * window without an exit confirmed): it is reconciling.
   */
  taskMayStillRun: 'TaskMayStillRun',
  /** An activity timed out (no answer within its timeouts). */
  activityTimeout: 'ActivityTimeout',
  /** An ApplicationFailure without a type. */
  applicationFailure: 'ApplicationFailure',
  /** Any other error; the message starts with the error's name. */
  unknown: 'Unknown',
} as const;
export type WorkflowErrorType = (typeof WorkflowErrorType)[keyof typeof WorkflowErrorType];

/** Every `type` a {@link LastAgoraError} can carry. */
export type LastErrorType = AgoraFailureType | WorkflowErrorType;

/** The last Agora error the workflow saw. `at` is Unix ms. */
export interface LastAgoraError {
  type: LastErrorType;
  message: string;
  at: number;
}

const lastErrorTypes: readonly string[] = [...Object.values(AgoraFailureType), ...Object.values(WorkflowErrorType)];

/** Narrows a failure `type` from the wire to {@link LastErrorType}. */
export function isLastErrorType(type: string): type is LastErrorType {
  return lastErrorTypes.includes(type);
}
