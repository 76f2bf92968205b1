/**
 * CloudRecordingClient: the Agora Cloud Recording REST API (reference §1-§3) over axios.
 *
 * - Basic auth from the customer ID and secret (§1.3).
 * - Base URL: explicit (the emulator, a proxy, or a list tried in order) or Agora's regional domains for an area with
 *   the failover ladder of §1.2 (see domains.ts). The domain that last answered is kept for the next calls.
 * - Failover (next domain, 500 ms apart, at most `maxAttempts` per call, within the call's budget) on network errors
 *   and on 5xx answers that carry no Agora `code` (a gateway or proxy failing). A 5xx WITH a `code` is Agora's own
 *   decision and goes to the outcome table like any other answer.
 * - Per-endpoint timeouts: stop 25 s (a sync stop waits for the upload, ≤ ~20 s, §3.6), the rest 10 s.
 * - 429: returned as `rate-limited` with `retryAfterMs` from Retry-After (seconds or HTTP date), capped; never slept on.
 * - Cancellation through `AbortSignal` (Temporal's `Context.current().cancellationSignal`).
 * - Every request body is checked against its schema before sending; every 200 body is validated against its response
 *   schema; a failing body is an {@link AgoraSchemaError} naming the field.
 * - Agora's request id (`x-request-id` or similar response header) is kept on every answer and error.
 * - Secrets never leave: errors are this module's own classes with redacted messages, never an AxiosError; log lines
 *   carry no headers and no bodies, only redacted facts.
 *
 * Answers are RETURNED, not thrown, with the outcome decided by outcomes.ts. Only "no usable answer" throws.
 */
import { SlidingWindowLimiter } from './rate-limiter';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
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
import { explicitDomains, nextDomainIndex, regionalDomains, type AgoraArea, type DomainCandidate } from './domains';
import { basicAuthHeader, Redactor } from './redact';
import {
  AgoraCancelledError,
  AgoraConfigError,
  AgoraRequestError,
  AgoraSchemaError,
  AgoraTransportError,
  type AgoraErrorDetails,
} from './errors';

/** A pino-compatible logger (pino's `Logger` satisfies it). Objects passed to it are already redacted. */
export interface AgoraLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Per-request timeouts in ms, per endpoint. */
export type EndpointTimeouts = Record<Endpoint, number>;

/** Default per-request timeouts (ms): stop 25 s (sync stop waits ≤ ~20 s for upload, §3.6), the rest 10 s (§1.2). */
export const defaultTimeoutsMs: Readonly<EndpointTimeouts> = {
  acquire: 10_000,
  start: 10_000,
  query: 10_000,
  update: 10_000,
  updateLayout: 10_000,
  stop: 25_000,
};

/** Response headers that may carry Agora's request id, in order of preference (lower case). */
export const requestIdHeaders: readonly string[] = ['x-request-id', 'x-agora-request-id', 'request-id', 'x-trace-id'];

/** Configuration of a {@link CloudRecordingClient}. */
export interface CloudRecordingClientOptions {
  /** App ID of the project (path segment, §1.1). */
  appId: string;
  /** RESTful API customer ID (Basic auth username, §1.3). */
  customerId: string;
  /** RESTful API customer secret (Basic auth password, §1.3). Redacted everywhere. */
  customerSecret: string;
  /**
   * Explicit base URL(s), e.g. the emulator's `http://127.0.0.1:PORT`. With several, they are tried in order on
   * failover. When set, `area` is ignored.
   */
  baseUrl?: string | readonly string[];
  /** Area whose regional domains are used when no `baseUrl` is given (§1.2). @default 'US' */
  area?: AgoraArea;
  /** Per-request timeouts in ms, per endpoint. @default {@link defaultTimeoutsMs} */
  timeoutsMs?: Partial<EndpointTimeouts>;
  /** Attempts per call across domains (network errors, codeless 5xx). @default 3 */
  maxAttempts?: number;
  /** Pause before trying the next domain, ms (the Go client's 500 ms). @default 500 */
  failoverDelayMs?: number;
  /** Largest Retry-After surfaced, ms; longer values are capped. @default 60_000 */
  maxRetryAfterMs?: number;
  /** Delay surfaced for a 429 without Retry-After, ms (§1.2 suggests 1 s, 3 s, 6 s). @default 1_000 */
  defaultRetryAfterMs?: number;
  /** Logger for one debug line per attempt and a warning per failover. @default none */
  logger?: AgoraLogger;
  /** Further secret values to redact (storage keys, App Certificate, NCS secret...). */
  secrets?: readonly (string | undefined)[];
  /**
   * Most requests this client sends in any 1.1 s window (Agora's limit is 10/s per App ID, §1.5); excess requests
   * wait instead of drawing 429s. 0 or undefined: no client-side limit.
   */
  requestsPerSecond?: number;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call (and any pending failover pause); the call then throws {@link AgoraCancelledError}. */
  signal?: AbortSignal | undefined;
  /**
   * Total time the call may take, across attempts, ms. An attempt's timeout is cut to what remains, and no new attempt
   * starts once less than 1 s remains. Activities pass their start-to-close timeout minus a margin.
   * @default the endpoint timeout × maxAttempts + pauses
   */
  budgetMs?: number | undefined;
}

/** Facts kept for every answer, whatever its outcome. */
interface AnswerFacts {
  endpoint: Endpoint;
  /** The row of the outcome table that decided (outcomes.ts). */
  rowId: string;
  httpStatus: number;
  /** Body `code`, when present (§2.3). */
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

/** Result of one HTTP exchange that produced an answer. */
interface RawAnswer {
  response: AxiosResponse<string>;
  host: string;
  attempts: number;
}

/** A Node/axios error code that means the name did not resolve (§1.2: only then try the alternate suffix). */
const DNS_ERRNOS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_NONAME']);

/**
 * The Agora Cloud Recording REST client. One instance per worker; safe for concurrent calls.
 * @throws AgoraConfigError from the constructor when a required option is empty.
 */
export class CloudRecordingClient {
  private readonly http: AxiosInstance;
  private readonly limiter: SlidingWindowLimiter | undefined;
  private readonly domains: readonly DomainCandidate[];
  private current = 0;
  private readonly timeouts: EndpointTimeouts;
  private readonly maxAttempts: number;
  private readonly failoverDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly defaultRetryAfterMs: number;
  private readonly logger: AgoraLogger | undefined;
  private readonly appId: string;
  /** Redacts this client's secrets; exposed so callers can scrub their own messages with the same rules. */
  readonly redactor: Redactor;

  constructor(options: CloudRecordingClientOptions) {
    for (const field of ['appId', 'customerId', 'customerSecret'] as const) {
      if (!options[field]) throw new AgoraConfigError(field, 'is required');
    }
    this.appId = options.appId;
    this.redactor = new Redactor(options.secrets ?? []).addBasicCredentials(options.customerId, options.customerSecret);
    const explicit = options.baseUrl === undefined ? [] : [options.baseUrl].flat();
    this.domains = explicit.length > 0 ? explicitDomains(explicit) : regionalDomains(options.area ?? 'US');
    this.timeouts = { ...defaultTimeoutsMs, ...options.timeoutsMs };
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.failoverDelayMs = options.failoverDelayMs ?? 500;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.defaultRetryAfterMs = options.defaultRetryAfterMs ?? 1_000;
    this.logger = options.logger;
    this.limiter = options.requestsPerSecond
      ? new SlidingWindowLimiter(Math.max(1, Math.floor(options.requestsPerSecond)))
      : undefined;
    this.http = axios.create({
      headers: {
        Authorization: basicAuthHeader(options.customerId, options.customerSecret),
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      // Every status is an answer for the outcome table; the body is parsed here, not by axios (which would silently
      // fall back to a string on bad JSON).
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      transitional: { clarifyTimeoutError: true },
      // Agora does not redirect; following one would send the Basic credential to another host.
      maxRedirects: 0,
      // Agora bodies are small (a query of 17 users' files is a few KiB); a huge body is a broken or hostile peer.
      maxContentLength: 4 * 1024 * 1024,
      // HTTP(S)_PROXY / NO_PROXY from the environment are honoured, as axios does by default.
    });
  }

  /** Base URL the next call will try first (after failovers, the one that last answered). */
  get currentBaseUrl(): string {
    return this.domains[this.current]?.baseUrl ?? '';
  }

  /**
   * acquire (§3.1): `POST /v1/apps/{appid}/cloud_recording/acquire`.
   * @param body `{ cname, uid, clientRequest }`; checked against its schema before sending.
   * @returns the answer; `ok` carries `{ resourceId, cname?, uid? }`.
   * @throws AgoraRequestError (body invalid, nothing sent), AgoraTransportError, AgoraSchemaError, AgoraCancelledError.
   */
  async acquire(body: AcquireRequest, opts?: CallOptions): Promise<AgoraAnswer<AcquireResponse>> {
    const checked = this.check('acquire', acquireRequestSchema, body);
    return this.call('acquire', 'post', '/acquire', checked, acquireResponseSchema, opts);
  }

  /**
   * start (§3.2): `POST .../resourceid/{resourceId}/mode/{mode}/start`.
   * @param body `{ cname, uid, clientRequest }`; schema and mode rules (§3.2) checked before sending.
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
   * query (§3.3): `GET .../resourceid/{resourceId}/sid/{sid}/mode/{mode}/query`.
   * @returns the answer; `ok` carries `serverResponse` (status §4.1, fileList...); 404 is `maybe-failover` (§7).
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
   * update (§3.4): `POST .../sid/{sid}/mode/{mode}/update` (subscriptions, web onhold, storage refresh).
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
   * updateLayout (§3.5): `POST .../sid/{sid}/mode/mix/updateLayout`. The body is the FULL layout (Agora replaces it).
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
   * stop (§3.6): `POST .../sid/{sid}/mode/{mode}/stop`. Timeout 25 s by default: a sync stop answers after upload.
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
    const raw = await this.exchange(
      endpoint,
      method,
      `/v1/apps/${encodeURIComponent(this.appId)}/cloud_recording${path}`,
      body,
      opts,
    );
    const { response, host, attempts } = raw;
    const requestId = this.requestId(response);
    const details: AgoraErrorDetails = { endpoint, host, httpStatus: response.status, requestId, attempts };
    const parsedBody = parseJson(response.data);
    const decision = decideOutcome(endpoint, response.status, parsedBody.ok ? parsedBody.value : undefined);
    const facts: AnswerFacts = {
      endpoint,
      rowId: decision.rowId,
      httpStatus: response.status,
      code: decision.code,
      reason: decision.reason === undefined ? undefined : this.redactor.string(decision.reason),
      requestId,
      host,
      attempts,
    };
    this.logger?.debug(
      { endpoint, host, httpStatus: response.status, code: facts.code, outcome: decision.outcome, requestId, attempts },
      `agora ${endpoint} answered`,
    );

    if (decision.outcome === 'ok') {
      if (!parsedBody.ok) {
        throw new AgoraSchemaError(
          `Agora ${endpoint} answered ${response.status} with a body that is not JSON`,
          ['(body): not JSON'],
          details,
        );
      }
      const result = schema.safeParse(parsedBody.value);
      if (!result.success) {
        const issues = result.error.issues.map((i) => this.redactor.string(`${joinPath('', i.path)}: ${i.message}`));
        throw new AgoraSchemaError(
          `Agora ${endpoint} answered ${response.status} with an invalid body: ${this.redactor.string(describeZodError(result.error))}`,
          issues,
          details,
        );
      }
      return { ...facts, outcome: 'ok', body: result.data };
    }

    // Error bodies are read leniently (§2.3: three shapes, extra keys, sometimes HTML from a proxy): the table has
    // already decided from status + code; a malformed error body must not hide that decision.
    const loose = errorBodySchema.safeParse(parsedBody.ok ? parsedBody.value : {});
    const errorBody = this.redactor.value(loose.success ? loose.data : {}) as ErrorBody & { sid?: unknown };
    // A repeated start may echo the sid (§2.3 shape 3); keep it only when it is a usable string.
    const sid = typeof errorBody.sid === 'string' && errorBody.sid.length > 0 ? errorBody.sid : undefined;
    if (decision.outcome === 'rate-limited') facts.retryAfterMs = this.retryAfter(response);
    return { ...facts, outcome: decision.outcome, body: { ...errorBody, sid } };
  }

  /**
   * Sends one request, failing over across domains on network errors and codeless 5xx.
   * @returns the first answer to keep (any status), with the host and attempt count.
   */
  private async exchange(
    endpoint: Endpoint,
    method: 'get' | 'post',
    url: string,
    body: unknown,
    opts: CallOptions,
  ): Promise<RawAnswer> {
    const timeout = this.timeouts[endpoint];
    const budgetMs = opts.budgetMs ?? timeout * this.maxAttempts + this.failoverDelayMs * (this.maxAttempts - 1);
    const deadline = Date.now() + budgetMs;
    let index = this.current;
    let lastErrno: string | undefined;
    let lastHost = '';
    let attempts = 0;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (opts.signal?.aborted) throw new AgoraCancelledError({ endpoint, host: lastHost, attempts: attempt - 1 });
      const candidate = this.domains[index] ?? this.domains[0];
      if (!candidate) throw new AgoraConfigError('baseUrl', 'no domain to call');
      const host = candidate.baseUrl;
      lastHost = host;
      if (this.limiter) {
        // The wait for a slot counts against the budget: a request whose caller has given up (the activity's
        // start-to-close) must not go out at all, because a start or stop sent with no time left for its answer may
        // still take effect at Agora while we report it failed, and its slot is one that a live request needed.
        const waitMs = Math.max(0, deadline - Date.now() - Math.min(1_000, timeout));
        const budget = new AbortController();
        const expiry = setTimeout(() => budget.abort(), waitMs);
        const onAbort = () => budget.abort();
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        try {
          await this.limiter.take(endpoint, { signal: budget.signal, key: recordingKey(body) });
        } catch {
          if (opts.signal?.aborted) throw new AgoraCancelledError({ endpoint, host: lastHost, attempts: attempt - 1 });
          throw new AgoraTransportError(
            `Agora ${endpoint} not sent: no slot under the rate limit within the call's budget (${budgetMs} ms)`,
            { endpoint, host: lastHost, errno: RATE_LIMIT_WAIT_ERRNO, attempts: attempt - 1 },
          );
        } finally {
          clearTimeout(expiry);
          opts.signal?.removeEventListener('abort', onAbort);
        }
      }
      const remaining = deadline - Date.now();
      const started = Date.now();
      attempts = attempt;
      let failure: { kind: 'dns' | 'network' | 'server'; errno: string };
      try {
        const response = await this.http.request<string>({
          method,
          baseURL: host,
          url,
          data: body === undefined ? undefined : JSON.stringify(body),
          timeout: Math.max(1, Math.min(timeout, remaining)),
          signal: opts.signal,
        });
        if (response.status >= 500 && response.status < 600 && !hasAgoraCode(response.data)) {
          failure = { kind: 'server', errno: `HTTP ${response.status}` };
          if (attempt === this.maxAttempts || !this.canRetry(deadline, timeout)) {
            return { response, host, attempts: attempt };
          }
        } else {
          this.current = index;
          return { response, host, attempts: attempt };
        }
      } catch (err) {
        if (opts.signal?.aborted) throw new AgoraCancelledError({ endpoint, host, attempts: attempt });
        const errno = errnoOf(err);
        failure = { kind: DNS_ERRNOS.has(errno) ? 'dns' : 'network', errno };
      }
      lastErrno = failure.errno;
      const next = nextDomainIndex(this.domains, index, failure.kind);
      const last = attempt === this.maxAttempts || !this.canRetry(deadline, timeout);
      this.logger?.warn(
        {
          endpoint,
          host,
          errno: failure.errno,
          attempt,
          elapsedMs: Date.now() - started,
          next: last ? undefined : this.domains[next]?.baseUrl,
        },
        last ? `agora ${endpoint} failed on ${host}` : `agora ${endpoint} failing over`,
      );
      if (last) break;
      index = next;
      this.current = next;
      await abortableSleep(this.failoverDelayMs, opts.signal).catch(() => {
        throw new AgoraCancelledError({ endpoint, host, attempts: attempt });
      });
    }
    throw new AgoraTransportError(
      this.redactor.string(`Agora ${endpoint} got no answer: ${lastErrno ?? 'unknown error'} (last tried ${lastHost})`),
      { endpoint, host: lastHost, errno: lastErrno, attempts },
    );
  }

  /** Whether another attempt fits before the deadline (at least 1 s, or the whole timeout if shorter). */
  private canRetry(deadline: number, timeout: number): boolean {
    return deadline - Date.now() - this.failoverDelayMs >= Math.min(1_000, timeout);
  }

  private requestId(response: AxiosResponse): string | undefined {
    for (const name of requestIdHeaders) {
      const v: unknown = response.headers[name];
      if (typeof v === 'string' && v.length > 0) return this.redactor.string(v.slice(0, 200));
    }
    return undefined;
  }

  /** Retry-After as ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3), capped; the default when absent/invalid. */
  private retryAfter(response: AxiosResponse): number {
    const raw: unknown = response.headers['retry-after'];
    const parsed = typeof raw === 'string' ? parseRetryAfter(raw, Date.now()) : undefined;
    return Math.min(this.maxRetryAfterMs, parsed ?? this.defaultRetryAfterMs);
  }
}

/**
 * Parses a Retry-After header value.
 * @param value delta-seconds (`"3"`) or an HTTP date.
 * @param now current Unix time, ms.
 * @returns the delay in ms (≥ 0), or undefined when the value is neither.
 */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * errno of an {@link AgoraTransportError} for a request that was never sent: the client's rate limiter had no slot for
 * it before the call's budget ran out.
 */
export const RATE_LIMIT_WAIT_ERRNO = 'ERATELIMITWAIT';

/** cname+uid of a request body, when it has both: the limiter pairs a start with its acquire by it (rate-limiter.ts). */
function recordingKey(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { cname, uid } = body as { cname?: unknown; uid?: unknown };
  return typeof cname === 'string' && typeof uid === 'string' ? `${uid} ${cname}` : undefined;
}

function parseJson(data: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof data !== 'string') return data === undefined || data === null ? { ok: false } : { ok: true, value: data };
  if (data.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(data) as unknown };
  } catch {
    return { ok: false };
  }
}

function hasAgoraCode(data: unknown): boolean {
  const parsed = parseJson(data);
  return (
    parsed.ok &&
    typeof parsed.value === 'object' &&
    parsed.value !== null &&
    typeof (parsed.value as Record<string, unknown>).code === 'number'
  );
}

/** The Node/axios error code of a transport failure, e.g. ECONNREFUSED; never reads config, headers or data. */
function errnoOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
    const cause = (err as { cause?: { code?: unknown } }).cause;
    if (cause && typeof cause.code === 'string' && /^[A-Z0-9_]{2,40}$/.test(cause.code)) return cause.code;
  }
  return 'EUNKNOWN';
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
