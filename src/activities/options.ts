/**
 * Activity options (timeouts and retry policies) for the recording workflow, in one place. Plain data with no
 * dependencies, so the workflow bundle can import it. Delays follow Agora's guidance (§1.2, §5.1): start retries at
 * 3 s, 6 s, 9 s; stop must eventually happen (a recording left running keeps billing), so it retries for long.
 */
import type { ActivityOptions } from '@temporalio/common';
import { AgoraFailureType } from './types';

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
  /** Sync stop waits for the upload (≤ ~20 s, §3.6): 40 s per attempt; retried for up to 30 minutes. */
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
