/**
 * Errors thrown by the Agora client. They carry only redacted, serialisable facts: never an AxiosError (whose
 * `config.headers` hold the Authorization header and whose `config.data` holds storage keys), never a request body.
 *
 * Agora *answers* (any HTTP status with a body) are not errors: the client returns them with their outcome (see
 * outcomes.ts). These classes cover the cases where there is no usable answer.
 */
import type { Endpoint } from './outcomes';

/** Why no usable answer was obtained. */
export type AgoraErrorKind = 'transport' | 'schema' | 'request' | 'cancelled' | 'config';

/** Facts common to every client error; all strings are already redacted. */
export interface AgoraErrorDetails {
  /** The endpoint called. */
  endpoint?: Endpoint | undefined;
  /** Base URL of the last attempt, e.g. `https://api-us-west-1.agora.io`. */
  host?: string | undefined;
  /** HTTP status of the answer, when there was one (schema errors). */
  httpStatus?: number | undefined;
  /** Agora's request id of the last answer (response header), when present. */
  requestId?: string | undefined;
  /** Attempts made, across domains. */
  attempts?: number | undefined;
  /** Node / axios error code of the last transport failure, e.g. `ECONNREFUSED`, `ETIMEDOUT`, `ENOTFOUND`. */
  errno?: string | undefined;
}

/** Base class: `kind` says which case; the details are safe to log. */
export class AgoraError extends Error {
  readonly kind: AgoraErrorKind;
  readonly details: AgoraErrorDetails;

  constructor(kind: AgoraErrorKind, message: string, details: AgoraErrorDetails = {}) {
    super(message);
    this.kind = kind;
    this.details = details;
    this.name = 'AgoraError';
  }
}

/** No answer from any domain tried: connection refused, DNS failure, reset, or timeout (per-endpoint, in ms). */
export class AgoraTransportError extends AgoraError {
  constructor(message: string, details: AgoraErrorDetails) {
    super('transport', message, details);
    this.name = 'AgoraTransportError';
  }

  /** True when the last failure was the per-request timeout (the request may have reached Agora). */
  get timedOut(): boolean {
    return this.details.errno === 'ETIMEDOUT' || this.details.errno === 'ECONNABORTED';
  }
}

/** Agora answered, but the body does not match its schema; `issues` name each offending field path. */
export class AgoraSchemaError extends AgoraError {
  /** One line per problem, e.g. `serverResponse.status: expected number, received string`. */
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[], details: AgoraErrorDetails) {
    super('schema', message, details);
    this.issues = issues;
    this.name = 'AgoraSchemaError';
  }
}

/**
 * The request we were about to send fails its schema (https://docs.agora.io/en/cloud-recording/rest-api/overview):
 * nothing was sent. `issues` name each field, e.g.
 * `clientRequest.recordingConfig.transcodingConfig.layoutConfig[0].x_axis: must be in [0, 1]`; values are never shown.
 */
export class AgoraRequestError extends AgoraError {
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[], details: AgoraErrorDetails) {
    super('request', message, details);
    this.issues = issues;
    this.name = 'AgoraRequestError';
  }
}

/**
 * The caller's AbortSignal fired (e.g. Temporal activity cancellation). `name` is `AbortError` so that the Temporal
 * worker recognises it as a cancellation when it escapes an activity.
 */
export class AgoraCancelledError extends AgoraError {
  constructor(details: AgoraErrorDetails) {
    super('cancelled', `Agora ${details.endpoint ?? 'call'} cancelled`, details);
    this.name = 'AbortError';
  }
}

/** Invalid client configuration or call arguments (a bad recorder uid, a token lifetime Agora cannot issue...). */
export class AgoraConfigError extends AgoraError {
  /** The offending field, e.g. `uid` or `maxDurationSeconds`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('config', `${field}: ${message}`);
    this.field = field;
    this.name = 'AgoraConfigError';
  }
}
