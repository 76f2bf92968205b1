/**
 * The emulator's clock: every emulator timer (resourceId expiry, idle exit, NCS retries and delays, injected latency,
 * synchronous stop, the per-minute progress event) runs off it, so tests move time instead of sleeping.
 *
 * - `manual`: time stands still until {@link EmulatorClock.advance} is called. Deterministic; for tests.
 * - `wall`: time follows the real clock, optionally `speedUp` times faster (a 30 s idle timeout takes 3 s at 10×);
 *   `advance` still jumps ahead. For the demo and the standalone CLI.
 *
 * Times are Unix epoch milliseconds.
 */

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** How the clock moves. */
export type ClockOptions = { mode: 'manual'; startMs?: number } | { mode: 'wall'; speedUp?: number };

/** A cancellable timer handle. */
export interface ClockTimer {
  cancel(): void;
}

interface Scheduled {
  id: number;
  at: number;
  fn: () => unknown;
}

/** Clock with its own timer queue. */
export class EmulatorClock {
  readonly mode: 'manual' | 'wall';
  private readonly speedUp: number;
  /** Manual mode: the current time. Wall mode: emulated time at `realBase`. */
  private base: number;
  private realBase: number;
  private readonly queue: Scheduled[] = [];
  private nextId = 1;
  private realTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Serialises `advance` calls and due-timer runs so callbacks never interleave. */
  private running: Promise<void> = Promise.resolve();

  constructor(opts: ClockOptions = { mode: 'manual' }) {
    this.mode = opts.mode;
    this.speedUp = opts.mode === 'wall' ? (opts.speedUp ?? 1) : 1;
    if (!(this.speedUp > 0)) throw new RangeError(`clock speedUp must be > 0, got ${this.speedUp}`);
    this.base = opts.mode === 'manual' ? (opts.startMs ?? Date.now()) : Date.now();
    this.realBase = Date.now();
  }

  /** Current emulated time, Unix ms. */
  now(): number {
    if (this.mode === 'manual') return this.base;
    return Math.floor(this.base + (Date.now() - this.realBase) * this.speedUp);
  }

  /**
   * Runs `fn` once the emulated time reaches `at` (Unix ms). Callbacks run in time order and should be synchronous
   * (start async work fire-and-forget; see `settle`).
   */
  at(at: number, fn: () => unknown): ClockTimer {
    const item: Scheduled = { id: this.nextId++, at, fn };
    if (at <= this.now()) {
      // Already due: run on the next turn rather than waiting for an `advance` that a manual clock may never get.
      let cancelled = false;
      setImmediate(() => {
        if (!cancelled && !this.closed) void settle(fn);
      });
      return { cancel: () => void (cancelled = true) };
    }
    // Stable insertion keeps same-time timers in scheduling order.
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1]?.at ?? -Infinity) > at) i--;
    this.queue.splice(i, 0, item);
    this.armRealTimer();
    return {
      cancel: () => {
        const idx = this.queue.indexOf(item);
        if (idx >= 0) this.queue.splice(idx, 1);
      },
    };
  }

  /** Runs `fn` after `ms` emulated milliseconds. */
  after(ms: number, fn: () => unknown): ClockTimer {
    return this.at(this.now() + Math.max(0, ms), fn);
  }

  /** Resolves after `ms` emulated milliseconds (never, in manual mode, unless the clock is advanced or closed). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /**
   * Moves emulated time forward by `ms`, running every timer that falls due on the way, each at its own time.
   * Resolves once they (and the work they scheduled inside the window) have run.
   */
  advance(ms: number): Promise<void> {
    if (!(ms >= 0)) return Promise.reject(new RangeError(`advance(ms) needs ms >= 0, got ${ms}`));
    const run = this.running.then(() => this.runUntil(this.now() + ms));
    this.running = run.catch(() => undefined);
    return run;
  }

  /** Runs every timer due up to `target`, each at its own time, then sets the time to `target` (never backwards). */
  private async runUntil(target: number): Promise<void> {
    for (;;) {
      const next = this.queue[0];
      if (next === undefined || next.at > target || this.closed) break;
      this.queue.shift();
      this.setNow(Math.max(this.now(), next.at));
      await settle(next.fn);
    }
    this.setNow(Math.max(this.now(), target));
    this.armRealTimer();
  }

  /**
   * Moves emulated time forward to `target` (Unix ms), like {@link advance}; a target in the past changes nothing.
   * The distance is computed when this call's turn comes, so concurrent callers never overshoot.
   */
  advanceTo(target: number): Promise<void> {
    const run = this.running.then(() => this.runUntil(target));
    this.running = run.catch(() => undefined);
    return run;
  }

  /** When the earliest pending timer is due (Unix ms), or undefined when none is pending. */
  nextAt(): number | undefined {
    return this.queue[0]?.at;
  }

  /** Number of pending timers (for diagnostics and tests). */
  pending(): number {
    return this.queue.length;
  }

  /** Drops all timers; pending `sleep`s never resolve. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
  }

  private setNow(t: number): void {
    if (this.mode === 'manual') {
      this.base = t;
    } else {
      this.base = t;
      this.realBase = Date.now();
    }
  }

  /** Wall mode: one real timer for the earliest emulated deadline. */
  private armRealTimer(): void {
    if (this.mode !== 'wall' || this.closed) return;
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    const next = this.queue[0];
    if (next === undefined) return;
    // setTimeout takes at most 2^31-1 ms (else it fires after 1 ms); a later deadline re-arms on the way.
    const delay = Math.min(MAX_TIMEOUT_MS, Math.max(0, Math.ceil((next.at - this.now()) / this.speedUp)));
    this.realTimer = setTimeout(() => {
      this.realTimer = undefined;
      void this.advance(0);
    }, delay);
    this.realTimer.unref();
  }
}

/**
 * Runs a timer callback, then lets the microtasks it queued settle. A returned promise is NOT awaited: a callback that
 * waits on I/O whose own timeout is a clock timer (an NCS POST to a hung receiver) would otherwise deadlock `advance`.
 * A throwing callback must not stop the clock.
 */
async function settle(fn: () => unknown): Promise<void> {
  try {
    const result = fn();
    if (result instanceof Promise) result.catch(() => undefined);
  } catch {
    // Timer callbacks report their own failures; the clock keeps going.
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
}
