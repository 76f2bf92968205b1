/**
 * CloudRecordingClient: the Agora Cloud Recording REST API, one method per endpoint
 * (https://docs.agora.io/en/cloud-recording/rest-api/overview). It builds each request, checks it against its schema,
 * sends it through the transport (./transport.ts: axios, rate-limit slot, timeouts, failover between regional domains,
 * Retry-After) and turns the HTTP answer into an {@link AgoraAnswer} whose outcome is decided by outcomes.ts
 * (https://docs.agora.io/en/cloud-recording/rest-api/status-codes).
 *
 * - Every request body is checked against its schema before sending; every 200 body is validated against its response
 *   schema; a failing body is an {@link AgoraSchemaError} naming the field.
 * - Agora's request id (`x-request-id` or similar response header) is kept on every answer and error.
 * - Secrets never leave: errors are this module's own classes with redacted messages, never an AxiosError; log lines
 *   carry no headers and no bodies, only redacted facts.
 *
 * Answers are RETURNED, not thrown, with the outcome decided by outcomes.ts. Only "no usable answer" throws.
 */
import type { z } from 'zod';
import {
  acquireRequestSchema,
  acquireResponseSchema,
  checkStartForMode,
  describeZodError,
  errorBodySchema,
  joinPath,
  queryResponseSchema,
  startRequestSchema,
  startResponseSchema,
  stopRequestSchema,
  stopResponseSchema,
  updateLayoutRequestSchema,
  updateRequestSchema,
  updateResponseSchema,
  type AcquireRequest,
  type AcquireResponse,
  type ErrorBody,
  type QueryResponse,
  type RecordingMode,
  type StartRequest,
  type StartResponse,
  type StopRequest,
  type StopResponse,
  type UpdateLayoutRequest,
  type UpdateRequest,
} from './schemas';
import { decideOutcome, type Endpoint, type Outcome } from './outcomes';
import { Redactor } from './redact';
import { AgoraConfigError, AgoraRequestError, AgoraSchemaError, type AgoraErrorDetails } from './errors';
import { parseJson, Transport, type AgoraLogger, type CallOptions, type TransportOptions } from './transport';

export { defaultTimeoutsMs, type AgoraLogger, type CallOptions, type EndpointTimeouts } from './transport';

/** Configuration of a {@link CloudRecordingClient}: the transport's options (./transport.ts), the App ID and secrets. */
export interface CloudRecordingClientOptions extends Omit<TransportOptions, 'redactor'> {
  /** App ID of the project (a path segment of every URL, https://docs.agora.io/en/cloud-recording/rest-api/overview). */
  appId: string;
  /** Logger for one debug line per answer and a warning per failover. @default none */
  logger?: AgoraLogger;
  /** Further secret values to redact (storage keys, App Certificate, NCS secret...). */
  secrets?: readonly (string | undefined)[];
}

/** Facts kept for every answer, whatever its outcome. */
interface AnswerFacts {
  endpoint: Endpoint;
  /** The row of the outcome table that decided (outcomes.ts). */
  rowId: string;
  httpStatus: number;
  /** Body `code`, when present (https://docs.agora.io/en/cloud-recording/rest-api/status-codes). */
  code?: number | undefined;
  /** Body `reason` or gateway `message`, redacted. */
  reason?: string | undefined;
  /** Agora's request id from the response headers, when present. */
  requestId?: string | undefined;
  /** For `rate-limited`: how long to wait before repeating, ms (Retry-After, capped, or the default). */
  retryAfterMs?: number | undefined;
  /** Base URL that answered. */
  host: string;
  /** Attempts made for this call (1 = first domain answered). */
  attempts: number;
}

/**
 * One Agora answer: `ok` with the validated success body, or another outcome with the (loosely parsed) error body.
 * @typeParam T the endpoint's success body type.
 */
export type AgoraAnswer<T> =
  | (AnswerFacts & { outcome: 'ok'; body: T })
  | (AnswerFacts & { outcome: Exclude<Outcome, 'ok'>; body: ErrorBody & { sid?: string } });

/**
 * The Agora Cloud Recording REST client. One instance per worker; safe for concurrent calls.
 * Every method may throw, besides what it lists: AgoraTransportError (no answer from any domain, or no rate-limit slot
 * within the budget), AgoraSchemaError (a success body that does not match its schema), AgoraCancelledError
 * (`opts.signal` aborted).
 * @throws AgoraConfigError from the constructor when a required option is empty.
 */
export class CloudRecordingClient {
  private readonly transport: Transport;
  private readonly appId: string;
  private readonly logger: AgoraLogger | undefined;
  /** Redacts this client's secrets; exposed so callers can scrub their own messages with the same rules. */
  readonly redactor: Redactor;

  constructor(options: CloudRecordingClientOptions) {
    for (const field of ['appId', 'customerId', 'customerSecret'] as const) {
      if (!options[field]) throw new AgoraConfigError(field, 'is required');
    }
    this.appId = options.appId;
    this.redactor = new Redactor(options.secrets ?? []).addBasicCredentials(options.customerId, options.customerSecret);
    this.logger = options.logger;
    this.transport = new Transport({ ...options, redactor: this.redactor });
  }

  /** Base URL the next call will try first (after failovers, the one that last answered). */
  get currentBaseUrl(): string {
    return this.transport.currentBaseUrl;
  }

  /**
   * acquire (https://docs.agora.io/en/cloud-recording/rest-api/acquire): `POST /v1/apps/{appid}/cloud_recording/acquire`.
   * @param body `{ cname, uid, clientRequest }`; checked against its schema before sending.
   * @returns the answer; `ok` carries `{ resourceId, cname?, uid? }`.
   * @throws AgoraRequestError (body invalid, nothing sent), AgoraTransportError, AgoraSchemaError, AgoraCancelledError.
   */
  async acquire(body: AcquireRequest, opts?: CallOptions): Promise<AgoraAnswer<AcquireResponse>> {
    const checked = this.check('acquire', acquireRequestSchema, body);
    return this.call('acquire', 'post', '/acquire', checked, acquireResponseSchema, opts);
  }

  /**
   * start (https://docs.agora.io/en/cloud-recording/rest-api/start):
   * `POST .../resourceid/{resourceId}/mode/{mode}/start`.
   * @param body `{ cname, uid, clientRequest }`; its schema and the rules of the mode checked before sending.
   * @returns the answer; `ok` carries `{ resourceId, sid }`; `already-started` is 201/7 (the sid may be echoed).
   * @throws AgoraRequestError, AgoraTransportError, AgoraSchemaError, AgoraCancelledError.
   */
  async start(
    resourceId: string,
    mode: RecordingMode,
    body: StartRequest,
    opts?: CallOptions,
  ): Promise<AgoraAnswer<StartResponse>> {
    const checked = this.check('start', startRequestSchema, body);
    const problems = checkStartForMode(mode, checked.clientRequest);
    if (problems.length > 0) {
      const issues = problems.map((p) => `${p.path}: ${p.message}`);
      throw new AgoraRequestError(`Agora start request invalid: ${issues.join('; ')}`, issues, { endpoint: 'start' });
    }
    return this.call(
      'start',
      'post',
      `${this.task(resourceId)}/mode/${mode}/start`,
      checked,
      startResponseSchema,
      opts,
    );
  }

  /**
   * query (https://docs.agora.io/en/cloud-recording/rest-api/query):
   * `GET .../resourceid/{resourceId}/sid/{sid}/mode/{mode}/query`.
   * @returns the answer; `ok` carries `serverResponse` (`status`, `fileList`...); 404 is `maybe-failover` (Agora may be
   *   moving the recorder to another server).
   * @throws AgoraTransportError, AgoraSchemaError, AgoraCancelledError.
   */
  async query(
    resourceId: string,
    sid: string,
    mode: RecordingMode,
    opts?: CallOptions,
  ): Promise<AgoraAnswer<QueryResponse>> {
    const path = `${this.task(resourceId, sid)}/mode/${mode}/query`;
    return this.call('query', 'get', path, undefined, queryResponseSchema, opts);
  }

  /**
   * update (https://docs.agora.io/en/cloud-recording/rest-api/update): `POST .../sid/{sid}/mode/{mode}/update`
   * (subscriptions, web onhold, storage refresh).
   * @returns the answer; `ok` carries `{ resourceId, sid? }`.
   * @throws AgoraRequestError, AgoraTransportError, AgoraSchemaError, AgoraCancelledError.
   */
  async update(
    resourceId: string,
    sid: string,
    mode: RecordingMode,
    body: UpdateRequest,
    opts?: CallOptions,
  ): Promise<AgoraAnswer<z.infer<typeof updateResponseSchema>>> {
    const checked = this.check('update', updateRequestSchema, body);
    const path = `${this.task(resourceId, sid)}/mode/${mode}/update`;
    return this.call('update', 'post', path, checked, updateResponseSchema, opts);
  }

  /**
   * updateLayout (https://docs.agora.io/en/cloud-recording/rest-api/update-layout):
   * `POST .../sid/{sid}/mode/mix/updateLayout`. The body is the FULL layout (Agora replaces it).
   * @returns the answer; `ok` carries `{ resourceId, sid? }`.
   * @throws AgoraRequestError, AgoraTransportError, AgoraSchemaError, AgoraCancelledError.
   */
  async updateLayout(
    resourceId: string,
    sid: string,
    body: UpdateLayoutRequest,
    opts?: CallOptions,
  ): Promise<AgoraAnswer<z.infer<typeof updateResponseSchema>>> {
    const checked = this.check('updateLayout', updateLayoutRequestSchema, body);
    const path = `${this.task(resourceId, sid)}/mode/mix/updateLayout`;
    return this.call('updateLayout', 'post', path, checked, updateResponseSchema, opts);
  }

  /**
   * stop (https://docs.agora.io/en/cloud-recording/rest-api/stop): `POST .../sid/{sid}/mode/{mode}/stop`. Timeout
   * 25 s by default: a synchronous stop answers after the upload.
   * @returns the answer; `ok` carries `serverResponse.uploadingStatus`/`fileList`; 206/435 is `no-content`, 400/49
   *   `already-exiting`, 404 `not-found`.
   * @throws AgoraRequestError, AgoraTransportError, AgoraSchemaError, AgoraCancelledError.
   */
  async stop(
    resourceId: string,
    sid: string,
    mode: RecordingMode,
    body: StopRequest,
    opts?: CallOptions,
  ): Promise<AgoraAnswer<StopResponse>> {
    const checked = this.check('stop', stopRequestSchema, body);
    const path = `${this.task(resourceId, sid)}/mode/${mode}/stop`;
    return this.call('stop', 'post', path, checked, stopResponseSchema, opts);
  }

  // ------------------------------------------------------------------------------------------------------------

  private task(resourceId: string, sid?: string): string {
    const base = `/resourceid/${encodeURIComponent(resourceId)}`;
    return sid === undefined ? base : `${base}/sid/${encodeURIComponent(sid)}`;
  }

  /** Validates a request body (strict schemas: an unknown key is Agora's code 2). Never echoes values. */
  private check<S extends z.ZodType>(endpoint: Endpoint, schema: S, body: unknown): z.output<S> {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((i) => this.redactor.string(`${joinPath('', i.path)}: ${i.message}`));
    const message = this.redactor.string(describeZodError(parsed.error));
    throw new AgoraRequestError(`Agora ${endpoint} request invalid: ${message}`, issues, { endpoint });
  }

  private async call<T>(
    endpoint: Endpoint,
    method: 'get' | 'post',
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    opts: CallOptions = {},
  ): Promise<AgoraAnswer<T>> {
    const raw = await this.transport.send(
      endpoint,
      method,
      `/v1/apps/${encodeURIComponent(this.appId)}/cloud_recording${path}`,
      body,
      opts,
    );
    const { status, host, attempts, requestId } = raw;
    const details: AgoraErrorDetails = { endpoint, host, httpStatus: status, requestId, attempts };
    const parsedBody = parseJson(raw.data);
    const decision = decideOutcome(endpoint, status, parsedBody.ok ? parsedBody.value : undefined);
    const facts: AnswerFacts = {
      endpoint,
      rowId: decision.rowId,
      httpStatus: status,
      code: decision.code,
      reason: decision.reason === undefined ? undefined : this.redactor.string(decision.reason),
      requestId,
      host,
      attempts,
    };
    this.logger?.debug(
      { endpoint, host, httpStatus: status, code: facts.code, outcome: decision.outcome, requestId, attempts },
      `agora ${endpoint} answered`,
    );

    if (decision.outcome === 'ok') {
      if (!parsedBody.ok) {
        throw new AgoraSchemaError(
          `Agora ${endpoint} answered ${status} with a body that is not JSON`,
          ['(body): not JSON'],
          details,
        );
      }
      const result = schema.safeParse(parsedBody.value);
      if (!result.success) {
        const issues = result.error.issues.map((i) => this.redactor.string(`${joinPath('', i.path)}: ${i.message}`));
        throw new AgoraSchemaError(
          `Agora ${endpoint} answered ${status} with an invalid body: ${this.redactor.string(describeZodError(result.error))}`,
          issues,
          details,
        );
      }
      return { ...facts, outcome: 'ok', body: result.data };
    }

    // Error bodies are read leniently (three shapes, extra keys, sometimes HTML from a proxy:
    // https://docs.agora.io/en/cloud-recording/rest-api/status-codes): the table has already decided from status +
    // code; a malformed error body must not hide that decision.
    const loose = errorBodySchema.safeParse(parsedBody.ok ? parsedBody.value : {});
    const errorBody = this.redactor.value(loose.success ? loose.data : {}) as ErrorBody & { sid?: unknown };
    // A repeated start may echo the sid; keep it only when it is a usable string.
    const sid = typeof errorBody.sid === 'string' && errorBody.sid.length > 0 ? errorBody.sid : undefined;
    if (decision.outcome === 'rate-limited') facts.retryAfterMs = raw.retryAfterMs;
    return { ...facts, outcome: decision.outcome, body: { ...errorBody, sid } };
  }
}
