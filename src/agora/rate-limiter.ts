import type { Endpoint } from './outcomes';

/** Service order: lower first. */
const priorities: Readonly<Record<Endpoint, number>> = {
  stop: 0,
  start: 1,
  updateLayout: 2,
  update: 2,
  query: 2,
  acquire: 3,
};

/** Options of one {@link SlidingWindowLimiter.take}. */
export interface TakeOptions {
  /** Aborting it removes the waiter from the queue; `take` then rejects. */
  signal?: AbortSignal | undefined;
  /**
   * Pairs an acquire with its start: the recording's cname and uid, in any fixed encoding. An acquire without a key
   * reserves anonymously; a start without a key redeems the oldest reservation.
   */
  key?: string | undefined;
}

interface Waiter {
  endpoint: Endpoint;
  key: string | undefined;
  grant: () => void;
}

/**
 * Client-side sliding-window limiter for Agora's QPS limit
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices: 10 requests/s per App ID, 429
 * beyond it).
 *
 * One process never sends more than `limit` requests in any `windowMs`, so a burst of recordings waits here instead of
 * collecting 429s (each a wasted call and a retry). acquire and start run back-to-back as local activities, which the
 * task-queue rate limit does not space, so this limiter is also what keeps a start close to its acquire (the resourceId
 * lives 5 minutes, https://docs.agora.io/en/cloud-recording/rest-api/acquire; the goal is ≤ 250 ms from acquire's
 * answer to the start call, p99):
 * - Waiters queue and are served in priority order, first come first served within a priority: stop, then start, then
 *   updateLayout/update/query, acquire last. A start never waits behind acquires.
 * - Reservations: an acquire is admitted only when the window has room for it, for its own start, and for the start of
 *   every acquire admitted earlier whose start has not been sent yet. The start with the same key (cname+uid) redeems
 *   the reservation; one not redeemed within `reservationTtlMs` (a failed acquire, a recording stopped before start)
 *   lapses, so capacity never leaks for long.
 */
export class SlidingWindowLimiter {
  /** Send times (ms since the epoch) of the requests still in the window, oldest first. */
  private readonly sent: number[] = [];
  /** Starts owed to admitted acquires: key → expiry (ms since the epoch), oldest first. */
  private readonly reserved = new Map<string, number>();
  /** One FIFO queue per priority. */
  private readonly queues: Waiter[][] = [[], [], [], []];
  private timer: NodeJS.Timeout | undefined;
  private anonymous = 0;

  /**
   * @param limit requests allowed in any window (≥ 1). With 1, an acquire cannot leave room for its own start; it then
   *   waits only for the starts owed to earlier acquires.
   * @param windowMs window length, ms. Slightly over 1000 by default to absorb network jitter between us and Agora.
   * @param reservationTtlMs how long an acquire's reservation for its start lasts, ms. @default 10_000
   */
  constructor(
    private readonly limit: number,
    private readonly windowMs = 1_100,
    private readonly reservationTtlMs = 10_000,
  ) {}

  /**
   * Waits until a request to `endpoint` may be sent, then records it as sent.
   * @param endpoint decides the priority, and whether the request reserves (acquire) or redeems (start) a slot.
   * @throws an Error named AbortError when the signal is already aborted or aborts while waiting; the waiter then
   *   leaves the queue and takes nothing.
   */
  take(endpoint: Endpoint, { signal, key }: TakeOptions = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const queue = this.queueOf(endpoint);
      const abort = () => {
        queue.splice(queue.indexOf(waiter), 1);
        reject(abortError());
        this.pump();
      };
      const waiter: Waiter = {
        endpoint,
        key,
        grant: () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        },
      };
      signal?.addEventListener('abort', abort, { once: true });
      queue.push(waiter);
      this.pump();
    });
  }

  /** Admits waiters in order while the head may go, then sleeps until the window or a reservation can change. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now();
    for (let oldest = this.sent[0]; oldest !== undefined && now - oldest >= this.windowMs; oldest = this.sent[0]) {
      this.sent.shift();
    }
    for (const [key, expires] of this.reserved) {
      if (expires > now) break;
      this.reserved.delete(key);
    }
    for (;;) {
      const head = this.queues.find((q) => q.length > 0)?.[0];
      if (!head) return;
      if (!this.admits(head)) break;
      this.queueOf(head.endpoint).shift();
      this.sent.push(now);
      if (head.endpoint === 'acquire') this.reserve(head.key ?? `anonymous ${++this.anonymous}`, now);
      if (head.endpoint === 'start') this.redeem(head.key);
      head.grant();
    }
    const oldest = this.sent[0];
    const windowFrees = oldest !== undefined ? oldest + this.windowMs : Infinity;
    const reservationLapses = this.reserved.values().next().value ?? Infinity;
    this.timer = setTimeout(
      () => {
        this.pump();
      },
      Math.max(1, Math.min(windowFrees, reservationLapses) - now),
    );
  }

  /** The queue of an endpoint's priority (the queues array has one per priority). */
  private queueOf(endpoint: Endpoint): Waiter[] {
    const queue = this.queues[priorities[endpoint]];
    if (!queue) throw new Error(`no queue for priority ${priorities[endpoint]}`);
    return queue;
  }

  private admits(w: Waiter): boolean {
    if (this.sent.length >= this.limit) return false;
    if (w.endpoint !== 'acquire') return true;
    // With limit 1 an acquire and its start never share a window; counting its own start would block it forever.
    const ownStart = (w.key !== undefined && this.reserved.has(w.key)) || this.limit === 1 ? 0 : 1;
    return this.sent.length + 1 + this.reserved.size + ownStart <= this.limit;
  }

  /** A repeated acquire of the same key (a failover attempt, an activity retry) renews its one reservation. */
  private reserve(key: string, now: number): void {
    this.reserved.delete(key);
    this.reserved.set(key, now + this.reservationTtlMs);
  }

  private redeem(key: string | undefined): void {
    const oldest = this.reserved.keys().next().value;
    const redeemed = key ?? oldest;
    if (redeemed !== undefined) this.reserved.delete(redeemed);
  }
}

function abortError(): Error {
  const e = new Error('aborted while waiting for the Agora rate limit');
  e.name = 'AbortError';
  return e;
}
