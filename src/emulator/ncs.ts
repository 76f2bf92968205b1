/**
 * NCS delivery (https://docs.agora.io/en/cloud-recording/develop/receive-notifications): builds each cloud-recording
 * notification, signs the exact body bytes (https://docs.agora.io/en/cloud-recording/develop/receive-notifications) and
 * POSTs it to the configured callback URL, with Agora's retry policy
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications): a delivery succeeds when the receiver
 * answers HTTP 200 within 10 s; otherwise NCS resends, at growing intervals, at most 3 times. Injected NCS faults
 * (drop, duplicate, delay, reorder) apply here.
 *
 * First attempts go out one at a time in emission order, so without faults a receiver sees notifications in
 * `sequence` order; retries run independently, as they would from Agora's fleet.
 *
 * Retry delays and injected NCS delays run on the emulator clock. The 10 s answer deadline runs in REAL time, on
 * purpose: it measures the receiver's real responsiveness, and on the emulated clock every delivery in flight would
 * "time out" (and be resent) whenever a test advances the clock past it.
 */
import http from 'node:http';
import https from 'node:https';
import { CLOUD_RECORDING_PRODUCT_ID } from '../agora/notifications';
import { signNcsBody } from '../agora/signature';
import { type EmulatorClock, type ClockTimer } from './clock';
import { type FaultBook } from './faults';
import { newNoticeId } from './ids';

/**
 * The payload of a cloud-recording notification
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
 */
export interface NcsPayload {
  cname: string;
  /** The recorder uid (decimal string). */
  uid: string;
  sid: string;
  /** Per-recording counter from 0. */
  sequence: number;
  /** Event time, Unix ms. */
  sendts: number;
  /**
   * 0 service, 1 recorder, 2 uploader, 4 extension, 6 web recorder, 8 download
   * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
   */
  serviceType: number;
  details: Record<string, unknown>;
}

/** A notification as emitted, before delivery (notifyMs is set per attempt). */
export interface EmittedNotification {
  noticeId: string;
  productId: number;
  eventType: number;
  payload: NcsPayload;
  /** What faults decided: `sent` (delivered or being delivered), `dropped`, or no callback URL configured. */
  fate: 'sent' | 'dropped' | 'unsent';
}

/** One delivery attempt. */
export interface NcsDeliveryAttempt {
  noticeId: string;
  eventType: number;
  sid: string;
  sequence: number;
  /** 1 for the first attempt, up to 1 + retries. */
  attempt: number;
  /** The envelope's notifyMs for this attempt (emulated Unix ms). */
  notifyMs: number;
  /** Receiver's HTTP status; undefined when there was no answer. */
  httpStatus?: number;
  /** `timeout` (no answer within the deadline) or a network error message. */
  error?: string;
}

/** Delivery configuration. */
export interface NcsOptions {
  /** Where to POST; without it notifications are recorded but not sent. */
  callbackUrl?: string | undefined;
  /** The NCS secret used to sign; without it the signature headers are omitted. */
  secret?: string | undefined;
  /** Answer deadline per attempt, REAL ms (see above). @default 10000 */
  timeoutMs?: number;
  /** Delay before each retry, emulated ms; its length is the retry count. @default [0, 1000, 3000] */
  retryDelaysMs?: number[];
}

/** Sends notifications and remembers what it did. */
export class NcsDispatcher {
  private readonly emitted: EmittedNotification[] = [];
  private readonly attempts: NcsDeliveryAttempt[] = [];
  private readonly held = new Map<string, EmittedNotification[]>();
  private readonly inFlight = new Set<http.ClientRequest>();
  private readonly timers = new Set<ClockTimer>();
  private readonly waiters: (() => void)[] = [];
  private busy = 0;
  private firstAttempts: Promise<void> = Promise.resolve();
  private readonly agent: http.Agent | https.Agent;
  private readonly timeoutMs: number;
  private readonly retryDelaysMs: number[];
  private closed = false;

  constructor(
    private readonly opts: NcsOptions,
    private readonly clock: EmulatorClock,
    private readonly faults: FaultBook,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.retryDelaysMs = opts.retryDelaysMs ?? [0, 1000, 3000];
    const isHttps = opts.callbackUrl?.startsWith('https:') ?? false;
    // Keep-alive as Agora recommends for receivers
    // (https://docs.agora.io/en/cloud-recording/develop/receive-notifications); owned here so close() can free the
    // sockets.
    this.agent = isHttps ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  /**
   * Emits one notification: records it, applies NCS faults, and starts its delivery.
   * @returns the recorded notification
   */
  emit(eventType: number, payload: NcsPayload): EmittedNotification {
    const n: EmittedNotification = {
      noticeId: newNoticeId(),
      productId: CLOUD_RECORDING_PRODUCT_ID,
      eventType,
      payload,
      fate: this.opts.callbackUrl && !this.closed ? 'sent' : 'unsent',
    };
    this.emitted.push(n);
    if (!this.opts.callbackUrl || this.closed) return n;

    const faults = this.faults.takeNcs(eventType, this.clock.now(), payload.cname);
    if (faults.some((f) => f.kind === 'ncsDrop')) {
      n.fate = 'dropped';
      return n;
    }
    const copies = 1 + faults.reduce((sum, f) => sum + (f.kind === 'ncsDuplicate' ? (f.copies ?? 1) : 0), 0);
    const delayMs = faults.reduce((sum, f) => sum + (f.kind === 'ncsDelay' ? f.ms : 0), 0);
    const reorder = faults.some((f) => f.kind === 'ncsReorder');

    const release = (): void => {
      const heldBack = this.held.get(n.payload.sid) ?? [];
      this.held.delete(n.payload.sid);
      for (let i = 0; i < copies; i++) this.enqueueFirstAttempt(n);
      // Anything held back for reordering goes right after this one.
      for (const h of heldBack) this.enqueueFirstAttempt(h);
    };
    if (reorder) {
      const list = this.held.get(n.payload.sid) ?? [];
      list.push(n);
      this.held.set(n.payload.sid, list);
      // If no later notification ever comes, deliver it anyway after a minute rather than lose it.
      this.schedule(60_000, () => {
        const still = this.held.get(n.payload.sid);
        if (still?.includes(n)) {
          this.held.set(
            n.payload.sid,
            still.filter((h) => h !== n),
          );
          this.enqueueFirstAttempt(n);
        }
      });
    } else if (delayMs > 0) {
      this.schedule(delayMs, release);
    } else {
      release();
    }
    return n;
  }

  /** Every notification emitted so far, in emission order (including dropped ones). */
  notifications(from = 0): EmittedNotification[] {
    return this.emitted.slice(from).map((n) => ({ ...n, payload: { ...n.payload } }));
  }

  /** How many notifications were emitted so far (an index for `notifications(from)`). */
  emittedCount(): number {
    return this.emitted.length;
  }

  /** Every delivery attempt so far, in order of completion. */
  deliveries(): NcsDeliveryAttempt[] {
    return this.attempts.map((a) => ({ ...a }));
  }

  /** Resolves when no delivery attempt is queued or in flight (scheduled future retries/delays do not count). */
  idle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Aborts in-flight deliveries, cancels scheduled ones and frees sockets. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    for (const req of this.inFlight) req.destroy();
    this.agent.destroy();
    this.busy = 0;
    this.flushWaiters();
  }

  private schedule(ms: number, fn: () => void): void {
    const timer = this.clock.after(ms, () => {
      this.timers.delete(timer);
      fn();
    });
    this.timers.add(timer);
  }

  private enqueueFirstAttempt(n: EmittedNotification): void {
    this.busy++;
    // attempt() never rejects, but a broken link must never stall every later notification.
    this.firstAttempts = this.firstAttempts.then(() => this.attempt(n, 1)).catch(() => undefined);
  }

  /** One POST; schedules the next retry when it fails. Never rejects. */
  private async attempt(n: EmittedNotification, attempt: number): Promise<void> {
    try {
      if (this.closed) return;
      const notifyMs = this.clock.now();
      // Key order follows Agora's examples; the signature covers exactly these bytes.
      const body = Buffer.from(
        JSON.stringify({
          noticeId: n.noticeId,
          productId: n.productId,
          eventType: n.eventType,
          notifyMs,
          payload: n.payload,
        }),
        'utf8',
      );
      const result = await this.post(body);
      this.attempts.push({
        noticeId: n.noticeId,
        eventType: n.eventType,
        sid: n.payload.sid,
        sequence: n.payload.sequence,
        attempt,
        notifyMs,
        ...result,
      });
      const delay = this.retryDelaysMs[attempt - 1];
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- close() may have run during the await
      if (result.httpStatus !== 200 && delay !== undefined && !this.closed) {
        // An immediate retry counts as in flight now; a later one only once it starts, so idle() does not wait for
        // a manual clock that nobody advances.
        if (delay <= 0) {
          this.busy++;
          setImmediate(() => void this.attempt(n, attempt + 1));
        } else {
          this.schedule(delay, () => {
            this.busy++;
            void this.attempt(n, attempt + 1);
          });
        }
      }
    } finally {
      this.busy = Math.max(0, this.busy - 1);
      if (this.busy === 0) this.flushWaiters();
    }
  }

  /** POSTs `body`; resolves with the status or the error, never rejects. The deadline runs on the emulator clock. */
  private post(body: Buffer): Promise<{ httpStatus?: number; error?: string }> {
    const url = new URL(this.opts.callbackUrl ?? '');
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': body.length,
    };
    if (this.opts.secret !== undefined) {
      const sig = signNcsBody(this.opts.secret, body);
      headers['Agora-Signature'] = sig.v1;
      headers['Agora-Signature-V2'] = sig.v2;
    }
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: { httpStatus?: number; error?: string }): void => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        this.inFlight.delete(req);
        resolve(r);
      };
      const req = transport.request(url, { method: 'POST', headers, agent: this.agent }, (res) => {
        res.resume();
        res.on('end', () => {
          finish({ httpStatus: res.statusCode ?? 0 });
        });
        res.on('error', () => {
          finish({ httpStatus: res.statusCode ?? 0 });
        });
      });
      const deadline = setTimeout(() => {
        finish({ error: 'timeout' });
        req.destroy();
      }, this.timeoutMs);
      deadline.unref();
      this.inFlight.add(req);
      req.on('error', (err) => {
        finish({ error: err.message });
      });
      req.on('close', () => {
        finish({ error: 'connection closed' });
      });
      req.end(body);
    });
  }

  private flushWaiters(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
