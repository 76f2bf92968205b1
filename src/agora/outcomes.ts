/**
 * THE outcome table: endpoint × HTTP status × body `code` → one outcome. Agora's HTTP status alone never decides
 * success (a repeated start is 201/7, "nothing recorded" is 206/435, a 404 may be a failover in progress); this table
 * does, in one place. Sources: https://docs.agora.io/en/cloud-recording/rest-api/overview (error shapes),
 * https://docs.agora.io/en/cloud-recording/rest-api/stop (stop),
 * https://docs.agora.io/en/cloud-recording/rest-api/status-codes (status codes per endpoint),
 * https://docs.agora.io/en/cloud-recording/rest-api/status-codes (all codes),
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices (lifecycle, HA failover). Rows are
 * matched top to bottom; the first match wins, so specific rows come before general ones. test/agora/outcomes.test.ts
 * has a case per row.
 */

/** The six Cloud Recording REST endpoints (https://docs.agora.io/en/cloud-recording/rest-api/overview). */
export type Endpoint = 'acquire' | 'start' | 'query' | 'update' | 'updateLayout' | 'stop';

/** Every endpoint, in call order. */
export const endpoints: readonly Endpoint[] = ['acquire', 'start', 'query', 'update', 'updateLayout', 'stop'];

/**
 * What an Agora answer means for the caller.
 * - `ok`: success; the body is the endpoint's success body.
 * - `already-started`: start repeated with the same resourceId (201/7): the recording runs; the sid must be recovered.
 * - `retry-same-call`: transient (206/65, 62 timeouts): repeat the identical request after a back-off (3 s, 6 s).
 * - `re-acquire`: the resourceId is unusable (expired 433, unparsable 1001, no worker 502): acquire again, then start.
 * - `no-content`: stop found nothing recorded (206/435): terminal, expected, no files.
 * - `already-exiting`: stop on a task already exiting (400/49): treat as stopped, wait for upload notifications.
 * - `maybe-failover`: 404 "failed to find worker" on query/update/updateLayout: exited, or moving to another server
 * for up to ~90 s (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices HA failover). The
 * caller decides with its own clock.
 * - `not-found`: stop's 404 "failed to find worker": the task is gone; treat as stopped
 *   (https://docs.agora.io/en/cloud-recording/rest-api/stop,
 *   https://docs.agora.io/en/cloud-recording/rest-api/status-codes).
 * - `rate-limited`: 429: back off (Retry-After when present) and repeat.
 * - `quota-exceeded`: acquire 400/406 `vendor_over_load`: too many concurrent recordings; retry much later.
 * - `invalid-request`: the request is wrong (code 2, 8, 53, 432, 1003, ...); repeating it cannot help.
 * - `auth-failed`: credentials, App ID, account or RTC token rejected; configuration must change.
 * - `server-error`: Agora-side failure (5xx, unexpected statuses); repeat with back-off.
 */
export type Outcome =
  | 'ok'
  | 'already-started'
  | 'retry-same-call'
  | 're-acquire'
  | 'no-content'
  | 'already-exiting'
  | 'maybe-failover'
  | 'not-found'
  | 'rate-limited'
  | 'quota-exceeded'
  | 'invalid-request'
  | 'auth-failed'
  | 'server-error';

/** Every outcome (for exhaustive tests and mappings). */
export const outcomes: readonly Outcome[] = [
  'ok',
  'already-started',
  'retry-same-call',
  're-acquire',
  'no-content',
  'already-exiting',
  'maybe-failover',
  'not-found',
  'rate-limited',
  'quota-exceeded',
  'invalid-request',
  'auth-failed',
  'server-error',
];

/** Status matcher: an exact status, a class (`4xx`, `5xx`) or any status. */
export type StatusMatch = number | '2xx' | '4xx' | '5xx' | 'any';
/**
 * Body code matcher: an exact `code`, `none` (no numeric `code`: gateway `{message}` bodies,
 * https://docs.agora.io/en/cloud-recording/rest-api/overview shape 1) or any.
 */
export type CodeMatch = number | 'none' | 'any';

/** One row of the table. */
export interface OutcomeRow {
  /** Stable row id, used by tests and logs. */
  readonly id: string;
  /** Endpoints the row applies to; `any` = all six. */
  readonly endpoints: readonly Endpoint[] | 'any';
  readonly status: StatusMatch;
  readonly code: CodeMatch;
  /** Optional case-insensitive match on the gateway `message` (used where the code is absent). */
  readonly message?: RegExp;
  readonly outcome: Outcome;
  /**
   * Why, naming the Agora page it comes from: "status codes" https://docs.agora.io/en/cloud-recording/rest-api/status-codes,
   * "best practices" https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices, "REST overview"
   * https://docs.agora.io/en/cloud-recording/rest-api/overview, or an endpoint's own page
   * (https://docs.agora.io/en/cloud-recording/rest-api/{acquire,start,query,update,update-layout,stop}).
   */
  readonly why: string;
}

const liveSession: readonly Endpoint[] = ['query', 'update', 'updateLayout', 'stop'];
const liveNonStop: readonly Endpoint[] = ['query', 'update', 'updateLayout'];
const afterAcquire: readonly Endpoint[] = ['start', 'query', 'update', 'updateLayout', 'stop'];

/** The table. Order matters: first match wins. One row per line, so it reads as a table. */
// prettier-ignore
export const outcomeTable: readonly OutcomeRow[] = [
  // --- success and success-like
  { id: 'ok-200', endpoints: 'any', status: 200, code: 'any', outcome: 'ok', why: 'REST overview: 200 is success; a `code` in a 200 body is tolerated (legacy pages list one)' },
  { id: 'start-201-7', endpoints: ['start'], status: 201, code: 7, outcome: 'already-started', why: 'status codes/best practices: start repeated with the same resourceId; the recording runs' },
  { id: 'start-any-7', endpoints: ['start'], status: 'any', code: 7, outcome: 'already-started', why: 'status codes: code 7 = already running, whatever the status' },
  { id: 'stop-206-435', endpoints: ['stop'], status: 206, code: 435, outcome: 'no-content', why: 'stop/status codes: nobody published, no files; terminal and expected' },
  { id: 'stop-any-435', endpoints: ['stop'], status: 'any', code: 435, outcome: 'no-content', why: 'status codes: code 435 = no recorded files' },
  { id: 'stop-400-49', endpoints: ['stop'], status: 400, code: 49, outcome: 'already-exiting', why: 'stop/status codes: duplicate stop, recorder kicked or idle exit: treat as stopped' },
  { id: 'stop-any-49', endpoints: ['stop'], status: 'any', code: 49, outcome: 'already-exiting', why: 'status codes: code 49 = task exiting' },
  { id: 'stop-any-50', endpoints: ['stop'], status: 'any', code: 50, outcome: 'already-exiting', why: 'best practices: sync stop waited > ~20 s for upload (code 50); the task is exiting, upload completion comes by NCS 31/32' },
  { id: 'live-any-501', endpoints: liveSession, status: 'any', code: 501, outcome: 'already-exiting', why: 'status codes legacy: 501 = recording service is exiting (e.g. query right after stop)' },
  // --- 404: failover window vs gone
  { id: 'stop-404-404', endpoints: ['stop'], status: 404, code: 404, outcome: 'not-found', why: 'stop/status codes: stop 404 "failed to find worker" = task gone, treat as stopped' },
  { id: 'live-404-404', endpoints: liveNonStop, status: 404, code: 404, outcome: 'maybe-failover', why: 'status codes/best practices: 404 "failed to find worker" is also answered for up to ~90 s during HA failover' },
  { id: 'any-404-none', endpoints: 'any', status: 404, code: 'none', outcome: 'invalid-request', why: 'status codes: gateway 404 "no Route matched with those values" = wrong method or URL (permanent)' },
  // --- transient: same call again
  { id: 'any-206-65', endpoints: 'any', status: 206, code: 65, outcome: 'retry-same-call', why: 'status codes: 206/65 request not completed (network jitter); retry the same request, 3 s then 6 s' },
  { id: 'any-any-65', endpoints: 'any', status: 'any', code: 65, outcome: 'retry-same-call', why: 'status codes: code 65 is transient whatever the status' },
  { id: 'start-500-62', endpoints: ['start'], status: 500, code: 62, outcome: 'retry-same-call', why: 'status codes: start 500/62 request timeout: retry; else new acquire + start (the caller bounds retries)' },
  { id: 'live-504-62', endpoints: liveSession, status: 504, code: 62, outcome: 'retry-same-call', why: 'status codes: 504/62 backend temporarily unavailable: retry' },
  { id: 'after-any-62', endpoints: afterAcquire, status: 'any', code: 62, outcome: 'retry-same-call', why: 'status codes: 62 after acquire = request timeout' },
  { id: 'any-206-other', endpoints: 'any', status: 206, code: 'any', outcome: 'retry-same-call', why: 'best practices (Go client): 206 is retried; an unknown 206 is not success' },
  // --- the resourceId is unusable: acquire again
  { id: 'start-500-502', endpoints: ['start'], status: 500, code: 502, outcome: 're-acquire', why: 'status codes: start 500/502 Failed to allocate worker: new acquire + start' },
  { id: 'start-any-433', endpoints: ['start'], status: 'any', code: 433, outcome: 're-acquire', why: 'status codes/best practices: resourceId expired (start later than 5 min after acquire)' },
  { id: 'start-any-1001', endpoints: ['start'], status: 'any', code: 1001, outcome: 're-acquire', why: 'status codes: resourceId could not be parsed: acquire again' },
  // --- acquire-specific
  { id: 'acquire-400-406', endpoints: ['acquire'], status: 400, code: 406, outcome: 'quota-exceeded', why: 'best practices/status codes: vendor_over_load, concurrency (PCW) quota exceeded; retry later, look for leaked tasks' },
  { id: 'acquire-400-400', endpoints: ['acquire'], status: 400, code: 400, outcome: 'auth-failed', why: 'status codes: invalid_appid, cloud recording not enabled for the App ID' },
  { id: 'acquire-400-405', endpoints: ['acquire'], status: 400, code: 405, outcome: 'auth-failed', why: 'status codes: no_active_status, the app is unavailable (e.g. account in arrears)' },
  { id: 'acquire-any-62', endpoints: ['acquire'], status: 'any', code: 62, outcome: 'auth-failed', why: 'status codes legacy: acquire 62 = cloud recording not enabled for the App ID' },
  { id: 'acquire-5xx-any', endpoints: ['acquire'], status: '5xx', code: 'any', outcome: 'server-error', why: 'status codes: acquire 500 with 500/501/504: retry with back-off' },
  // --- credentials, app, token
  { id: 'any-401-any', endpoints: 'any', status: 401, code: 'any', outcome: 'auth-failed', why: 'authentication page/status codes: Unauthorized / Invalid authentication credentials' },
  { id: 'any-403-any', endpoints: 'any', status: 403, code: 'any', outcome: 'auth-failed', why: 'forbidden: credentials not allowed for this App ID [derived]' },
  { id: 'any-400-appid', endpoints: 'any', status: 400, code: 'none', message: /appid is invalid/i, outcome: 'auth-failed', why: 'status codes: message "appid is invalid", cloud recording not enabled' },
  { id: 'start-any-109', endpoints: ['start'], status: 'any', code: 109, outcome: 'auth-failed', why: 'status codes: RTC token expired; a new token is needed' },
  { id: 'start-any-110', endpoints: ['start'], status: 'any', code: 110, outcome: 'auth-failed', why: 'status codes: RTC token invalid' },
  // --- rate limit
  { id: 'any-429-any', endpoints: 'any', status: 429, code: 'any', outcome: 'rate-limited', why: 'best practices/status codes: API rate limit exceeded (10 QPS per App ID); back off' },
  // --- the request itself is wrong
  { id: 'any-any-2', endpoints: 'any', status: 'any', code: 2, outcome: 'invalid-request', why: 'status codes: invalid parameter (type, case, range, missing field)' },
  { id: 'any-any-8', endpoints: 'any', status: 'any', code: 8, outcome: 'invalid-request', why: 'status codes: bad header, method, URL or non-JSON body' },
  { id: 'start-400-53', endpoints: ['start'], status: 400, code: 53, outcome: 'invalid-request', why: 'status codes/best practices: task conflict, a task with this cname+uid already runs; use another uid or stop it' },
  { id: 'any-any-432', endpoints: 'any', status: 'any', code: 432, outcome: 'invalid-request', why: 'status codes: parameters do not match the resourceId' },
  { id: 'any-any-1003', endpoints: 'any', status: 'any', code: 1003, outcome: 'invalid-request', why: 'status codes: App ID or sid does not match the resourceId' },
  { id: 'any-any-1013', endpoints: 'any', status: 'any', code: 1013, outcome: 'invalid-request', why: 'status codes: invalid channel name' },
  { id: 'acquire-400-401', endpoints: ['acquire'], status: 400, code: 401, outcome: 'invalid-request', why: 'status codes: invalid_channel_name' },
  { id: 'updateLayout-any-1028', endpoints: ['updateLayout'], status: 'any', code: 1028, outcome: 'invalid-request', why: 'updateLayout/status codes: invalid updateLayout body' },
  // --- catch-alls
  { id: 'any-5xx-any', endpoints: 'any', status: '5xx', code: 'any', outcome: 'server-error', why: 'status codes "Generic guidance": 5xx = Agora-side; retry with back-off (start 500/15 lands here)' },
  { id: 'any-4xx-any', endpoints: 'any', status: '4xx', code: 'any', outcome: 'invalid-request', why: 'status codes "Generic guidance": a persistent 4xx means fix the request' },
  { id: 'any-2xx-any', endpoints: 'any', status: '2xx', code: 'any', outcome: 'server-error', why: 'an undocumented 2xx (not 200) is not success; retry rather than trust it [derived]' },
  { id: 'any-any-any', endpoints: 'any', status: 'any', code: 'any', outcome: 'server-error', why: 'an undocumented status (1xx/3xx): treat as a transient Agora-side failure [derived]' },
];

/** The parts of an Agora body that the table reads (https://docs.agora.io/en/cloud-recording/rest-api/overview). */
export interface AgoraBodyFacts {
  /** Numeric `code`, when the body has one (a numeric string is accepted). */
  code?: number | undefined;
  /** `reason` (service-level) or `message` (gateway-level) text. */
  reason?: string | undefined;
}

/**
 * Reads `code` and `reason`/`message` from any parsed JSON body; tolerant of every
 * https://docs.agora.io/en/cloud-recording/rest-api/overview shape and of non-objects.
 */
export function bodyFacts(body: unknown): AgoraBodyFacts {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const record = body as Record<string, unknown>;
  const raw = record.code;
  let code: number | undefined;
  if (typeof raw === 'number' && Number.isInteger(raw)) code = raw;
  else if (typeof raw === 'string' && /^-?\d{1,9}$/.test(raw)) code = Number(raw);
  const text = typeof record.reason === 'string' ? record.reason : record.message;
  return { code, reason: typeof text === 'string' ? text : undefined };
}

/** The decision for one answer. */
export interface Decision {
  readonly outcome: Outcome;
  /** The id of the row that matched. */
  readonly rowId: string;
  readonly code?: number | undefined;
  readonly reason?: string | undefined;
}

function statusMatches(match: StatusMatch, status: number): boolean {
  switch (match) {
    case 'any':
      return true;
    case '2xx':
      return status >= 200 && status < 300;
    case '4xx':
      return status >= 400 && status < 500;
    case '5xx':
      return status >= 500 && status < 600;
    default:
      return match === status;
  }
}

function codeMatches(match: CodeMatch, code: number | undefined): boolean {
  if (match === 'any') return true;
  if (match === 'none') return code === undefined;
  return match === code;
}

/**
 * Decides the outcome of one Agora answer.
 * @param endpoint the endpoint called.
 * @param httpStatus the HTTP status code of the answer.
 * @param body the parsed JSON body (any shape, or undefined when the body was empty or not JSON).
 * @returns the outcome, the id of the matching row, and the body's `code`/`reason` when present.
 */
export function decideOutcome(endpoint: Endpoint, httpStatus: number, body: unknown): Decision {
  const facts = bodyFacts(body);
  for (const row of outcomeTable) {
    if (row.endpoints !== 'any' && !row.endpoints.includes(endpoint)) continue;
    if (!statusMatches(row.status, httpStatus)) continue;
    if (!codeMatches(row.code, facts.code)) continue;
    if (row.message && !(facts.reason !== undefined && row.message.test(facts.reason))) continue;
    return { outcome: row.outcome, rowId: row.id, code: facts.code, reason: facts.reason };
  }
  // Unreachable: the last row matches everything. Kept total for the type checker.
  return { outcome: 'server-error', rowId: 'any-any-any', code: facts.code, reason: facts.reason };
}
