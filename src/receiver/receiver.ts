/**
 * The NCS receiver (fastify): Agora's notification service POSTs Cloud Recording events here. Agora's page:
 * https://docs.agora.io/en/cloud-recording/develop/receive-notifications (envelope, signatures, resends, event types).
 *
 * For each POST to `path`:
 * 1. the body is kept as raw bytes (at most `bodyLimitBytes`, else 413) — the signature covers the exact bytes;
 * 2. `Agora-Signature-V2` (HMAC-SHA256), else `Agora-Signature` (HMAC-SHA1), is verified in constant time with the
 *    NCS secret — missing or wrong: 401, nothing else happens;
 * 3. the body must be a JSON object with `noticeId`, `productId`, `eventType` and an object `payload` — else 400;
 * 4. other products and unknown event types are acknowledged (200) and ignored; a cloud-recording event without
 *    `cname`/`uid`/`sid` (e.g. the console's test probe) is acknowledged and kept in the dead-letter log;
 * 5. a `noticeId` seen before is acknowledged and dropped (NCS resends);
 * 6. events the workflow does not act on (slice starts, stream states, warnings, upload progress below 100 %, status
 *    updates of a running task...) are acknowledged and logged, not signalled: each signal costs the workflow ~4
 *    history events, and NCS sends event 33 every minute, which alone would add ~240 events per recording-hour;
 * 7. the notification is spooled and acknowledged with 200; {@link NotificationDelivery} signals the workflow (except
 *    a recorder_started whose workflow already holds that sid: it would change nothing, see `holdsSid`).
 *
 * `GET path` answers 200 (reachability checks); `GET /healthz` answers 200 with delivery counters.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { CLOUD_RECORDING_PRODUCT_ID, NcsEvent, ncsNotificationSchema } from '../agora/notifications';
import { NCS_SIGNATURE_HEADER, NCS_SIGNATURE_V2_HEADER, verifyNcsSignature } from '../agora/signature';
import type { DeadLetterLog } from './dead-letter';
import { NoticeIdSet } from './dedupe';
import { isRunningStatus, workflowNcsEventTypes } from '../contract';
import type { NotificationDelivery } from './delivery';

/** What the receiver needs. */
export interface ReceiverOptions {
  /** The NCS secret (https://docs.agora.io/en/cloud-recording/develop/receive-notifications). Never logged. */
  ncsSecret: string;
  /** Path Agora posts to, e.g. `/agora/ncs`. */
  path: string;
  /** Largest body accepted, bytes; larger bodies get 413. */
  bodyLimitBytes: number;
  delivery: NotificationDelivery;
  deadLetter: DeadLetterLog;
  logger: Logger;
  /** Seen noticeIds; a fresh bounded set by default. */
  dedupe?: NoticeIdSet;
}

const knownEventTypes = new Set<number>(Object.values(NcsEvent));
const workflowEventTypes = new Set<number>(workflowNcsEventTypes);

/**
 * Whether the workflow acts on this notification: its event types; upload progress only once complete (10000); a status
 * update (event 3, sent at the first slice and on calls that do not fit the task's state) unless its status says the
 * task runs (4 or 5, https://docs.agora.io/en/cloud-recording/rest-api/query; a number or a numeric string): the
 * workflow would then only postpone its health check, as for progress below 10000, and each signal costs a workflow
 * task. Any other status (not started yet, ending, exited) or none is signalled.
 */
export function signalsWorkflow(n: { eventType: number; payload: { details?: Record<string, unknown> } }): boolean {
  if (!workflowEventTypes.has(n.eventType)) return false;
  const details = n.payload.details;
  if (n.eventType === NcsEvent.uploading_progress) return details?.progress === 10_000;
  if (n.eventType === NcsEvent.cloud_recording_status_update) return !isRunningStatus(numeric(details?.status));
  return true;
}

/** A number, or a string holding only a decimal integer (Agora's payload types are partly unconfirmed). */
function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Builds the receiver. Call `listen` on the result (or `inject` in tests).
 * @returns a fastify instance with the NCS route, `GET path` and `GET /healthz`.
 */
export function buildReceiver(o: ReceiverOptions): FastifyInstance {
  const dedupe = o.dedupe ?? new NoticeIdSet();
  const log = o.logger;
  const app = Fastify({ bodyLimit: o.bodyLimitBytes, return503OnClosing: true });

  // Keep every body as raw bytes, whatever its Content-Type: the signature is over the exact bytes
  // (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: o.bodyLimitBytes }, (_req, body, done) => {
    done(null, body);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) log.error({ err: err.message }, 'receiver error');
    else log.warn({ status, code: err.code }, 'rejected request');
    void reply.code(status).send({ ok: false, error: err.code ?? 'error' });
  });

  app.get('/healthz', () => ({ ok: true, delivery: o.delivery.stats, dedupe: dedupe.size }));
  app.get(o.path, () => ({ ok: true }));

  app.post(o.path, async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signatureV2 = header(req.headers[NCS_SIGNATURE_V2_HEADER]);
    const signature = header(req.headers[NCS_SIGNATURE_HEADER]);
    if (signatureV2 === undefined && signature === undefined) {
      log.warn({ ip: req.ip }, 'NCS request without signature: 401');
      return reply.code(401).send({ ok: false, error: 'missing Agora-Signature-V2 / Agora-Signature' });
    }
    if (!verifyNcsSignature(o.ncsSecret, raw, { signatureV2, signature })) {
      log.warn({ ip: req.ip, v2: signatureV2 !== undefined }, 'NCS request with a bad signature: 401');
      return reply.code(401).send({ ok: false, error: 'bad signature' });
    }

    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      log.warn({ bytes: raw.length }, 'NCS body is not JSON: 400');
      return reply.code(400).send({ ok: false, error: 'body is not JSON' });
    }
    if (
      !isObject(body) ||
      typeof body.noticeId !== 'string' ||
      !body.noticeId ||
      typeof body.productId !== 'number' ||
      typeof body.eventType !== 'number' ||
      !isObject(body.payload)
    ) {
      log.warn('NCS body is not an envelope (noticeId, productId, eventType, payload): 400');
      return reply.code(400).send({ ok: false, error: 'not an NCS envelope' });
    }
    const meta = { noticeId: body.noticeId, productId: body.productId, eventType: body.eventType };
    if (body.productId !== CLOUD_RECORDING_PRODUCT_ID) {
      log.info(meta, 'not a Cloud Recording notification: ignored');
      return { ok: true, ignored: 'productId' };
    }
    if (!knownEventTypes.has(body.eventType)) {
      log.info(meta, 'unknown Cloud Recording event type: ignored');
      return { ok: true, ignored: 'eventType' };
    }
    const parsed = ncsNotificationSchema.safeParse(body);
    if (!parsed.success) {
      // Signed by Agora but not routable (no cname/uid/sid): the console's test probe, or a payload we do not know.
      log.info(meta, 'notification without cname/uid/sid: acknowledged and dead-lettered');
      await o.deadLetter.append({ reason: 'unroutable', notification: body });
      return { ok: true, ignored: 'unroutable' };
    }
    const n = parsed.data;
    if (dedupe.has(n.noticeId)) {
      log.info(meta, 'duplicate noticeId: acknowledged, not signalled again');
      return { ok: true, duplicate: true };
    }
    dedupe.add(n.noticeId);
    if (!signalsWorkflow(n)) {
      log.debug(meta, 'event not needed by the workflow: acknowledged, not signalled');
      return { ok: true, ignored: 'notNeeded' };
    }
    try {
      await o.delivery.accept(n);
    } catch (e) {
      dedupe.delete(n.noticeId);
      log.error({ ...meta, err: e instanceof Error ? e.message : String(e) }, 'cannot spool notification: 500');
      return reply.code(500).send({ ok: false, error: 'spool unavailable' });
    }
    log.info({ ...meta, cname: n.payload.cname, uid: n.payload.uid, sid: n.payload.sid }, 'notification accepted');
    return { ok: true };
  });

  return app;
}
