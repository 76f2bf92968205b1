/**
 * The HTTP transport under the REST client (./client.ts): it sends one request to Agora's Cloud Recording REST API and
 * returns the first HTTP answer worth keeping, whatever its status. It knows nothing of endpoints' bodies or outcomes.
 *
 * - Basic auth from the customer ID and secret
 *   (https://docs.agora.io/en/cloud-recording/rest-api/overview).
 * - Base URL: explicit (the emulator, a proxy, or a list tried in order) or Agora's regional domains for an area, with
 *   the failover ladder of https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices (see
 *   domains.ts). The domain that last answered is kept for the next calls.
 * - Failover (next domain, 500 ms apart, at most `maxAttempts` per call, within the call's budget) on network errors
 *   and on 5xx answers that carry no Agora `code` (a gateway or proxy failing). A 5xx WITH a `code` is Agora's own
 *   decision and is returned like any other answer.
 * - Per-endpoint timeouts: stop 25 s (a synchronous stop waits for the upload, up to about 20 s), the rest 10 s.
 * - A rate-limit slot per request (Agora allows 10 requests per second per App ID) when `requestsPerSecond` is set;
 *   the wait for the slot counts against the call's budget.
 * - Retry-After (delta-seconds or HTTP date) read from every answer, capped; never slept on.
 * - Cancellation through `AbortSignal` (Temporal's `Context.current().cancellationSignal`).
 * - Secrets never leave: errors are ./errors.ts classes with redacted messages, never an AxiosError; log lines carry no
 *   headers and no bodies, only redacted facts.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { SlidingWindowLimiter } from './rate-limiter';
import type { Endpoint } from './outcomes';
import { explicitDomains, nextDomainIndex, regionalDomains, type AgoraArea, type DomainCandidate } from './domains';
import { basicAuthHeader, type Redactor } from './redact';
import { AgoraCancelledError, AgoraConfigError, AgoraTransportError } from './errors';

/** A pino-compatible logger (pino's `Logger` satisfies it). Objects passed to it are already redacted. */
export interface AgoraLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Per-request timeouts in ms, per endpoint. */
export type EndpointTimeouts = Record<Endpoint, number>;

/**
 * Default per-request timeouts, ms: stop 25 s (a synchronous stop answers after the upload, up to about 20 s:
 * https://docs.agora.io/en/cloud-recording/rest-api/stop), the rest 10 s
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
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

/**
 * errno of an {@link AgoraTransportError} for a request that was never sent: the client's rate limiter had no slot for
 * it before the call's budget ran out.
 */
export const RATE_LIMIT_WAIT_ERRNO = 'ERATELIMITWAIT';

/** Configuration of a {@link Transport}; every field but `redactor` is also an option of the client. */
export interface TransportOptions {
  /** RESTful API customer ID (Basic auth username, https://docs.agora.io/en/cloud-recording/rest-api/overview). */
  customerId: string;
  /** RESTful API customer secret (Basic auth password). Redacted everywhere. */
  customerSecret: string;
  /**
   * Explicit base URL(s), e.g. the emulator's `http://127.0.0.1:PORT`. With several, they are tried in order on
   * failover. When set, `area` is ignored.
   */
  baseUrl?: string | readonly string[];
  /**
   * Area whose regional domains are used when no `baseUrl` is given
   * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices). @default 'US'
   */
  area?: AgoraArea;
  /** Per-request timeouts in ms, per endpoint. @default {@link defaultTimeoutsMs} */
  timeoutsMs?: Partial<EndpointTimeouts>;
  /** Attempts per call across domains (network errors, codeless 5xx). @default 3 */
  maxAttempts?: number;
  /** Pause before trying the next domain, ms (the Go client's 500 ms). @default 500 */
  failoverDelayMs?: number;
  /** Largest Retry-After surfaced, ms; longer values are capped. @default 60_000 */
  maxRetryAfterMs?: number;
  /**
   * Delay surfaced for an answer without Retry-After, ms (Agora suggests waiting 1 s, 3 s, 6 s after a 429:
   * https://docs.agora.io/en/cloud-recording/rest-api/status-codes). @default 1_000
   */
  defaultRetryAfterMs?: number;
  /** Logger for one warning per failover or failed attempt. @default none */
  logger?: AgoraLogger;
  /**
   * Most requests sent in any 1.1 s window (Agora's limit is 10 per second per App ID); excess requests wait instead
   * of drawing 429s. 0 or undefined: no client-side limit.
   */
  requestsPerSecond?: number;
  /** Redacts error messages and the request id; shared with the client, which may add secrets to it later. */
  redactor: Redactor;
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

/** One HTTP answer kept by {@link Transport.send}: any status, with the facts read from its headers. */
export interface TransportAnswer {
  /** HTTP status. */
  status: number;
  /** The body as received (text; not parsed). */
  data: unknown;
  /** Base URL that answered. */
  host: string;
  /** Attempts made for this call (1 = first domain answered). */
  attempts: number;
  /** Agora's request id from the response headers ({@link requestIdHeaders}), redacted, at most 200 characters. */
  requestId: string | undefined;
  /** Retry-After as ms (delta-seconds or HTTP date), capped at `maxRetryAfterMs`; `defaultRetryAfterMs` without one. */
  retryAfterMs: number;
}

/** A Node/axios error code that means the name did not resolve (only then try the alternate suffix). */
const DNS_ERRNOS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_NONAME']);

/**
 * Sends requests to Agora over axios, with the rate-limit slot, the timeouts and the failover between domains. One
 * instance per client; safe for concurrent calls.
 */
export class Transport {
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
  private readonly redactor: Redactor;

  constructor(options: TransportOptions) {
    this.redactor = options.redactor;
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
      // Every status is an answer for the outcome table; the body is parsed by the client, not by axios (which would
      // silently fall back to a string on bad JSON).
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
   * Sends one request, failing over across domains on network errors and codeless 5xx.
   * @param endpoint which endpoint (its timeout, its priority under the rate limit).
   * @param method HTTP method.
   * @param url path from the base URL, e.g. `/v1/apps/{appid}/cloud_recording/acquire`.
   * @param body request body, sent as JSON; undefined for none. Its `cname` and `uid` pair an acquire with its start
   *   under the rate limit.
   * @returns the first answer to keep (any status), with the host and attempt count.
   * @throws AgoraTransportError no answer on any attempt, or no rate-limit slot within the budget (errno
   *   {@link RATE_LIMIT_WAIT_ERRNO}); AgoraCancelledError when `opts.signal` aborts; AgoraConfigError with no domain.
   */
  async send(
    endpoint: Endpoint,
    method: 'get' | 'post',
    url: string,
    body: unknown,
    opts: CallOptions = {},
  ): Promise<TransportAnswer> {
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
        const expiry = setTimeout(() => {
          budget.abort();
        }, waitMs);
        const onAbort = () => {
          budget.abort();
        };
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
            return this.answer(response, host, attempt);
          }
        } else {
          this.current = index;
          return this.answer(response, host, attempt);
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

  private answer(response: AxiosResponse<string>, host: string, attempts: number): TransportAnswer {
    return {
      status: response.status,
      data: response.data,
      host,
      attempts,
      requestId: this.requestId(response),
      retryAfterMs: this.retryAfter(response),
    };
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
 * Parses a response body as JSON.
 * @param data the body as received (text; a non-string is taken as already parsed).
 * @returns `{ ok: true, value }`, or `{ ok: false }` for an empty, missing or malformed body. Never throws.
 */
export function parseJson(data: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof data !== 'string') return data === undefined || data === null ? { ok: false } : { ok: true, value: data };
  if (data.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(data) as unknown };
  } catch {
    return { ok: false };
  }
}

/** cname+uid of a request body, when it has both: the limiter pairs a start with its acquire by it (rate-limiter.ts). */
function recordingKey(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { cname, uid } = body as { cname?: unknown; uid?: unknown };
  return typeof cname === 'string' && typeof uid === 'string' ? `${uid} ${cname}` : undefined;
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
