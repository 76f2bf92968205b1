/**
 * The HTTP front: gateway checks first (route 404, Basic auth 401, rate limit 429, App ID 400, headers/JSON code 8;
 * an API gateway's order [derived]), then fault injection, then the endpoint. Built on node:http rather than a
 * framework so every byte of the answer is ours (exact bodies, no framework error formats) and a `drop` fault can
 * destroy the socket after the state change is committed.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { checkBasicAuth } from './auth';
import { type CallLogEntry } from './call-log';
import { handleControl } from './control';
import { acquire } from './endpoints/acquire';
import { query } from './endpoints/query';
import { start } from './endpoints/start';
import { stop } from './endpoints/stop';
import { type EndpointHandler } from './endpoints/types';
import { update } from './endpoints/update';
import { updateLayout } from './endpoints/update-layout';
import { type EndpointName, type HttpFault } from './faults';
import { maskSecrets } from './mask';
import { agoraError, gatewayError, rateLimited, type Reply, workerNotFound } from './replies';
import { matchRoute } from './routes';
import { type EmulatorState } from './state';

const handlers: Record<EndpointName, EndpointHandler> = { acquire, start, query, update, updateLayout, stop };

/**
 * The NCS IP list endpoint under both documented hosts' paths
 * (https://docs.agora.io/en/cloud-recording/rest-api/overview,
 * https://docs.agora.io/en/cloud-recording/rest-api/ncs-ip).
 */
const NCS_IP_PATHS = new Set(['/v1/ncs/ip', '/v2/ncs/ip']);
const NCS_IP_BODY = { data: { service: { hosts: [{ primaryIP: '127.0.0.1' }] } } };

/** Largest request body read, bytes; bigger bodies are answered 413 without being parsed. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Creates the (not yet listening) server. */
export function createEmulatorServer(state: EmulatorState): http.Server {
  return http.createServer((req, res) => {
    handleRequest(state, req, res).catch(() => {
      if (!res.headersSent) send(res, agoraError(500, 500, 'internal_error'));
    });
  });
}

async function handleRequest(state: EmulatorState, req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const method = req.method ?? 'GET';
  const raw = await readBody(req);
  if (url.pathname.startsWith('/_emulator/')) {
    send(res, await handleControl(state, method, url, raw));
    return;
  }

  state.requests.inFlight++;
  try {
    await handleApiRequest(state, req, res, url, method, raw);
  } finally {
    state.requests.inFlight--;
  }
}

async function handleApiRequest(
  state: EmulatorState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  method: string,
  raw: Buffer | undefined,
) {
  if (state.options.beforeRequest) await state.options.beforeRequest();
  const route = matchRoute(method, url.pathname);
  const parsedBody = raw === undefined ? undefined : tryJson(raw);
  const entry = state.calls.open({
    method,
    path: url.pathname,
    ...(route ? { endpoint: route.endpoint } : {}),
    ...(route?.resourceId === undefined ? {} : { resourceId: route.resourceId }),
    ...(route?.sid === undefined ? {} : { sid: route.sid }),
    ...(route?.mode === undefined ? {} : { mode: route.mode }),
    ...(parsedBody === undefined ? {} : { body: maskSecrets(parsedBody.value) }),
    at: state.clock.now(),
  });
  const answer = (reply: Reply, fault?: string) => {
    record(state, entry, reply, fault);
    send(res, reply);
  };

  const o = state.options;
  const auth = () => checkBasicAuth(req.headers.authorization, o.customerId, o.customerSecret);
  if (method === 'GET' && NCS_IP_PATHS.has(url.pathname)) {
    // https://docs.agora.io/en/cloud-recording/rest-api/ncs-ip: the NCS sender addresses, for receivers' allowlists;
    // the emulator sends from loopback.
    const a = auth();
    answer(a.ok ? { status: 200, body: NCS_IP_BODY } : gatewayError(401, a.message));
    return;
  }
  if (!route) {
    answer(gatewayError(404, 'no Route matched with those values'));
    return;
  }
  const authResult = auth();
  if (!authResult.ok) {
    answer(gatewayError(401, authResult.message));
    return;
  }
  if (!state.rateLimiter.allow(route.appId)) {
    answer(rateLimited());
    return;
  }
  if (route.appId !== o.appId) {
    answer(gatewayError(400, 'appid is invalid'));
    return;
  }
  let body: unknown;
  if (method === 'POST') {
    const contentType = req.headers['content-type'];
    if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType)) {
      answer(agoraError(400, 8, 'invalid http header: Content-Type must be application/json'));
      return;
    }
    if (parsedBody === undefined) {
      answer(agoraError(400, 8, 'invalid request body: not JSON'));
      return;
    }
    body = parsedBody.value;
  }

  const plan = state.faults.planHttp(route.endpoint, state.clock.now(), channelOf(state, route, body));
  if (plan.latencyMs > 0) {
    state.requests.waitingOnClock++;
    try {
      await state.clock.sleep(plan.latencyMs);
    } finally {
      state.requests.waitingOnClock--;
    }
  }
  if (plan.realLatencyMs > 0) await new Promise((resolve) => setTimeout(resolve, plan.realLatencyMs));
  const suppressed = stateClaimDuringFailover(state, route.sid, plan.fault);
  if (suppressed) entry.suppressedFault = plan.fault?.kind;
  const fault = suppressed ? undefined : plan.fault;
  const commits = fault && (fault.kind === 'drop' ? fault.commit !== false : 'commit' in fault && fault.commit);
  if (fault && !commits) {
    if (fault.kind === 'drop') {
      drop(state, entry, res);
      return;
    }
    answer(faultReply(fault), fault.kind);
    return;
  }

  const reply = await handlers[route.endpoint](state, { ...route, body });
  if (!fault) {
    answer(reply);
    return;
  }
  const code = (reply.body as { code?: unknown } | undefined)?.code;
  entry.committed = { httpStatus: reply.status, ...(typeof code === 'number' ? { code } : {}) };
  if (fault.kind === 'drop') {
    drop(state, entry, res);
    return;
  }
  answer(faultReply(fault), fault.kind);
}

/** The channel a request is about (for channel-scoped faults): its body's cname, else its task's or resource's. */
function channelOf(
  state: EmulatorState,
  route: { sid?: string | undefined; resourceId?: string | undefined },
  body: unknown,
): string | undefined {
  const fromBody = (body as { cname?: unknown } | undefined)?.cname;
  if (typeof fromBody === 'string') return fromBody;
  if (route.sid !== undefined) {
    const task = state.tasks.get(route.sid);
    if (task) return task.cname;
  }
  return route.resourceId === undefined ? undefined : state.resources.get(route.resourceId)?.cname;
}

/**
 * Codes 49 ("exiting") and 50 ("upload timeout") are answered by the recorder that holds the task: they say the task
 * is exiting, or that this stop took. During an HA failover no recorder holds it and Agora answers 404
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices), so a fault rule with either
 * code (in `code`; a rule's raw `body` is not read) does not apply to a task that is failing over: its use is spent,
 * the call log names it `suppressedFault`, and the endpoint's own 404 stands. (A rule that did apply there made the
 * emulator contradict its own task: a 50 saying a stop took, a 49 saying the task was exiting, sim seeds 2829, 2861,
 * 3505, 4242, 4690, 4776.)
 */
function stateClaimDuringFailover(
  state: EmulatorState,
  sid: string | undefined,
  fault: HttpFault | undefined,
): boolean {
  if (fault?.kind !== 'error' || (fault.code !== 49 && fault.code !== 50) || sid === undefined) return false;
  const task = state.tasks.get(sid);
  return task !== undefined && task.failoverUntil > state.clock.now();
}

/** The answer a non-latency, non-drop fault gives. */
function faultReply(fault: Exclude<HttpFault, { kind: 'latency' | 'drop' }>): Reply {
  switch (fault.kind) {
    case 'error':
      if (fault.rawBody !== undefined) return { status: fault.httpStatus, body: undefined, raw: fault.rawBody };
      if (fault.body !== undefined) return { status: fault.httpStatus, body: fault.body };
      if (fault.message !== undefined) return gatewayError(fault.httpStatus, fault.message);
      return agoraError(fault.httpStatus, fault.code ?? fault.httpStatus, fault.reason ?? 'internal_error');
    case 'code65':
      return agoraError(206, 65, 'request not completed');
    case 'notFound':
      return workerNotFound();
    case 'rateLimit':
      if (fault.retryAfterS === undefined) return rateLimited();
      return { ...rateLimited(), headers: { 'Retry-After': String(fault.retryAfterS) } };
  }
}

function record(state: EmulatorState, entry: CallLogEntry, reply: Reply | null, fault?: string) {
  entry.httpStatus = reply?.status ?? null;
  const code = (reply?.body as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number') entry.code = code;
  if (fault !== undefined) entry.fault = fault;
  entry.answeredAt = state.clock.now();
}

/** Commit-then-drop: the client sees the connection close with no answer. */
function drop(state: EmulatorState, entry: CallLogEntry, res: http.ServerResponse) {
  record(state, entry, null, 'drop');
  res.socket?.destroy();
}

function send(res: http.ServerResponse, reply: Reply) {
  if (res.headersSent || res.destroyed) return;
  const body = reply.raw ?? JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json;charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Request-ID': randomUUID(),
    ...reply.headers,
  });
  res.end(body);
}

/** Reads the body; undefined when empty. Oversized bodies are cut at {@link MAX_BODY_BYTES} (and fail JSON parsing). */
async function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size === 0 ? undefined : Buffer.concat(chunks);
}

function tryJson(raw: Buffer): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return undefined;
  }
}
