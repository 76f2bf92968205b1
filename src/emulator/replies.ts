/**
 * Answers in Agora's three error shapes (https://docs.agora.io/en/cloud-recording/rest-api/overview) and the success
 * shape (https://docs.agora.io/en/cloud-recording/rest-api/overview).
 */
import { type z } from 'zod';
import { describeZodError } from '../agora/schemas';

/** An HTTP answer: status and JSON body. */
export interface Reply {
  status: number;
  body: unknown;
  /** Sent verbatim instead of `JSON.stringify(body)` (fault injection of malformed answers). */
  raw?: string;
  /** Extra response headers (e.g. an injected `Retry-After`). */
  headers?: Record<string, string>;
}

/** A 200 (or other) answer with `body`. */
export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

/** Gateway-level error `{message}` (auth, routing, rate limit). */
export function gatewayError(status: number, message: string): Reply {
  return { status, body: { message } };
}

/** Service-level error `{code, reason}`. */
export function agoraError(status: number, code: number, reason: string): Reply {
  return { status, body: { code, reason } };
}

/**
 * 404 code 404 "failed to find worker": the task is gone or in an HA failover window
 * (https://docs.agora.io/en/cloud-recording/rest-api/status-codes,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
export function workerNotFound(): Reply {
  return agoraError(404, 404, 'failed to find worker');
}

/**
 * 400 code 2 with a reason naming the offending field (https://docs.agora.io/en/cloud-recording/rest-api/status-codes).
 */
export function invalidParams(reason: string): Reply {
  return agoraError(400, 2, reason);
}

/** 400 code 2 from a zod error, naming the first offending fields (never their values). */
export function invalidBody(err: z.ZodError): Reply {
  return invalidParams(describeZodError(err));
}

/**
 * 429 as the gateway answers it (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
export function rateLimited(): Reply {
  return gatewayError(429, 'API rate limit exceeded');
}
