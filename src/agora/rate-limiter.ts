/**
 * Client-side sliding-window limiter for Agora's QPS limit (§1.5: 10 requests/s per App ID, 429 beyond it).
 * The worker's task-queue rate limit is a token bucket whose burst can exceed Agora's one-second window; this makes
 * sure one process never sends more than `limit` requests in any `windowMs`, so a burst of recordings waits here
 * instead of collecting 429s (each a wasted call and a retry).
 */
export class SlidingWindowLimiter {
  private readonly sent: number[] = [];

  /**
   * @param limit requests allowed in any window (≥ 1).
   * @param windowMs window length, ms. Slightly over 1000 by default to absorb network jitter between us and Agora.
   */
  constructor(
    private readonly limit: number,
    private readonly windowMs = 1_100,
  ) {}

  /**
   * Waits until a request may be sent, then records it.
   * @throws the signal's reason (or an Error named AbortError) when the signal aborts while waiting.
   */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.sent.length > 0 && now - this.sent[0]! >= this.windowMs) this.sent.shift();
      if (this.sent.length < this.limit) {
        this.sent.push(now);
        return;
      }
      await abortableSleep(this.sent[0]! + this.windowMs - now, signal);
    }
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer);
      const e = new Error('aborted while waiting for the Agora rate limit');
      e.name = 'AbortError';
      reject(e);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
  });
}
