/**
 * Turning what the Agora client says into Temporal failures: each non-result outcome (the status codes of
 * https://docs.agora.io/en/cloud-recording/rest-api/status-codes, decided by src/agora/outcomes.ts) becomes an
 * ApplicationFailure with a stable `type` from {@link AgoraFailureType}, non-retryable when repeating cannot help, with
 * nextRetryDelay from Retry-After for 429. Details carry only redacted facts (endpoint, status, code, reason, request
 * id, row id). Which outcomes are results instead is ./results.ts.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { AgoraAnswer } from '../agora/client';
import {
  AgoraCancelledError,
  AgoraConfigError,
  AgoraError,
  AgoraRequestError,
  AgoraSchemaError,
  AgoraTransportError,
} from '../agora/errors';
import type { Redactor } from '../agora/redact';
import { AgoraFailureType } from '../contract';

/** Delay before retrying after acquire's 400/406 vendor_over_load (the concurrency quota frees up slowly), ms. */
export const QUOTA_RETRY_DELAY_MS = 30_000;

/** Upper bound of the delay before retrying after a 429, ms. */
export const MAX_RATE_LIMIT_DELAY_MS = 30_000;

/**
 * The delay before retrying after a 429: Retry-After (or the client's default, 1 s: Agora sends none), doubled
 * for each attempt already made, at most {@link MAX_RATE_LIMIT_DELAY_MS}. A flat 1 s spent an activity's attempts in
 * a few seconds, so a 429 storm longer than that failed the recording; doubling rides it out (acquire's 6 attempts
 * cover ~30 s).
 * @param retryAfterMs the answer's Retry-After, ms; undefined for none.
 * @returns the delay, ms, or undefined when `retryAfterMs` is. Outside an activity, counts as the first attempt.
 */
export function rateLimitDelay(retryAfterMs: number | undefined): number | undefined {
  if (retryAfterMs === undefined) return undefined;
  let attempt = 1;
  try {
    attempt = Context.current().info.attempt;
  } catch {
    // not in an activity
  }
  return Math.min(MAX_RATE_LIMIT_DELAY_MS, retryAfterMs * 2 ** Math.max(0, attempt - 1));
}

/** Facts attached as the single `details` entry of every failure thrown here. */
export interface AgoraFailureDetails {
  endpoint: string;
  outcome?: string;
  rowId?: string;
  httpStatus?: number;
  code?: number;
  reason?: string;
  requestId?: string;
  host?: string;
  attempts?: number;
  errno?: string;
  /** Field-level problems for invalid requests and responses. */
  issues?: readonly string[];
}

function compact(d: AgoraFailureDetails): AgoraFailureDetails {
  return Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) as AgoraFailureDetails;
}

/**
 * The failure for an Agora answer whose outcome is not a result of the activity.
 * - rate-limited → AgoraRateLimited, retryable, nextRetryDelay = Retry-After (ms) doubled per attempt (rateLimitDelay)
 * - quota-exceeded → AgoraQuotaExceeded, retryable, nextRetryDelay 30 s
 * - retry-same-call → AgoraRetrySameCall, retryable
 * - server-error (and any outcome unexpected for the endpoint) → AgoraServerError, retryable
 * - re-acquire → AgoraReacquireNeeded, non-retryable (the workflow acquires again)
 * - invalid-request → AgoraInvalidRequest, non-retryable; start 400/53 → AgoraTaskConflict, non-retryable
 * - auth-failed → AgoraAuthFailed, non-retryable
 * @param answer an answer whose outcome is not a result of its endpoint (./results.ts).
 * @returns the failure to throw (never throws itself); nextRetryDelay in ms.
 */
export function failureForAnswer(answer: AgoraAnswer<unknown>): ApplicationFailure {
  const details = compact({
    endpoint: answer.endpoint,
    outcome: answer.outcome,
    rowId: answer.rowId,
    httpStatus: answer.httpStatus,
    code: answer.code,
    reason: answer.reason,
    requestId: answer.requestId,
    host: answer.host,
    attempts: answer.attempts,
  });
  const what = `Agora ${answer.endpoint} answered ${answer.httpStatus}${answer.code === undefined ? '' : `/${answer.code}`}`;
  const message = `${what}${answer.reason ? ` (${answer.reason})` : ''}: ${answer.outcome}`;
  const make = (type: AgoraFailureType, nonRetryable: boolean, nextRetryDelay?: number) =>
    ApplicationFailure.create({
      message,
      type,
      nonRetryable,
      details: [details],
      ...(nextRetryDelay === undefined ? {} : { nextRetryDelay }),
    });
  switch (answer.outcome) {
    case 'rate-limited':
      return make(AgoraFailureType.rateLimited, false, rateLimitDelay(answer.retryAfterMs));
    case 'quota-exceeded':
      return make(AgoraFailureType.quotaExceeded, false, QUOTA_RETRY_DELAY_MS);
    case 'retry-same-call':
      return make(AgoraFailureType.retrySameCall, false);
    case 're-acquire':
      return make(AgoraFailureType.reacquire, true);
    case 'invalid-request':
      if (answer.endpoint === 'start' && answer.code === 53) return make(AgoraFailureType.taskConflict, true);
      return make(AgoraFailureType.invalidRequest, true);
    case 'auth-failed':
      return make(AgoraFailureType.authFailed, true);
    default:
      // server-error, and outcomes that are results for other endpoints only (e.g. no-content on query): Agora-side
      // trouble or an answer that makes no sense here; retry with back-off.
      return make(AgoraFailureType.serverError, false);
  }
}

/**
 * The failure for anything thrown while calling Agora. Never returns the input: a foreign error is replaced by a
 * redacted ApplicationFailure without a cause chain (an AxiosError cause would carry the Authorization header).
 * - AgoraCancelledError → CancelledFailure (Temporal reports the activity as cancelled)
 * - AgoraTransportError → AgoraNetworkError, retryable
 * - AgoraSchemaError → AgoraInvalidResponse, non-retryable
 * - AgoraRequestError, AgoraConfigError → AgoraInvalidRequest, non-retryable
 * - ApplicationFailure / CancelledFailure → passed through (already ours)
 * - anything else → AgoraServerError, retryable, message redacted
 * @param err what the call threw. @param endpoint the endpoint called. @param redactor scrubs messages and issues.
 * @returns the error to throw (never throws itself).
 */
export function failureForError(err: unknown, endpoint: string, redactor: Redactor): Error {
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  if (err instanceof AgoraCancelledError) return new CancelledFailure(err.message);
  if (err instanceof AgoraError) {
    const base = compact({
      endpoint,
      host: err.details.host,
      httpStatus: err.details.httpStatus,
      requestId: err.details.requestId,
      attempts: err.details.attempts,
      errno: err.details.errno,
    });
    const message = redactor.string(err.message);
    if (err instanceof AgoraTransportError) {
      return ApplicationFailure.create({ message, type: AgoraFailureType.network, details: [base] });
    }
    if (err instanceof AgoraSchemaError) {
      return ApplicationFailure.create({
        message,
        type: AgoraFailureType.invalidResponse,
        nonRetryable: true,
        details: [{ ...base, issues: err.issues.map((i) => redactor.string(i)) }],
      });
    }
    if (err instanceof AgoraRequestError || err instanceof AgoraConfigError) {
      const issues = err instanceof AgoraRequestError ? err.issues : [err.message];
      return ApplicationFailure.create({
        message,
        type: AgoraFailureType.invalidRequest,
        nonRetryable: true,
        details: [{ ...base, issues: issues.map((i) => redactor.string(i)) }],
      });
    }
  }
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return ApplicationFailure.create({
    message: redactor.string(`Agora ${endpoint} failed unexpectedly: ${text}`),
    type: AgoraFailureType.serverError,
    details: [{ endpoint }],
  });
}
