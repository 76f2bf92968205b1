/**
 * Agora's QPS limit: 10 requests per second per App ID
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices); over it → 429 `{"message": "API
 * rate limit exceeded"}`.
 *
 * Measured in REAL time, not on the emulator clock, on purpose: clients pace themselves (back-off, polling) with real
 * timers, so a manual clock that never moves would otherwise keep a client throttled forever. Requests that are
 * rejected do not count, as with a gateway that checks before it increments.
 */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  /**
   * @param limit requests allowed per `windowMs` per key; 0 or Infinity disables the limit
   * @param windowMs the sliding window, ms (default 1000)
   * @param realNow the real clock (injected for tests)
   */
  constructor(
    private readonly limit: number,
    private readonly windowMs = 1000,
    private readonly realNow: () => number = () => performance.now(),
  ) {}

  /** Records one request for `key` and tells whether it is within the limit. */
  allow(key: string): boolean {
    if (!(this.limit > 0) || this.limit === Infinity) return true;
    const now = this.realNow();
    const recent = (this.windows.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.windows.set(key, recent);
      return false;
    }
    recent.push(now);
    this.windows.set(key, recent);
    return true;
  }
}
