/**
 * The one polling wait of the local stack, the tests and the bench: ask again every `everyMs` until the answer is
 * there, and fail after `timeoutMs` with an error naming what was awaited.
 */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** How long to wait in all. @default 60_000 */
  timeoutMs?: number;
  /** The pause between two probes. @default 250 */
  everyMs?: number;
  /**
   * What an error thrown by the probe means: `retry` (not yet; the last one is named if the wait times out) or `throw`
   * (the wait fails at once with it). @default 'retry'
   */
  onError?: 'retry' | 'throw';
}

/** A wait that ran out of time. `message`: `timed out after {timeoutMs} ms waiting for {what}[: last error]`. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(
    /** What was awaited, as given to {@link waitFor}. */
    readonly what: string,
    readonly timeoutMs: number,
    /** The probe's last error (with `onError: 'retry'`), if it threw. */
    readonly lastError?: unknown,
  ) {
    super(
      `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
    );
  }
}

/**
 * Calls `probe` until it returns something other than undefined, at once and then every `everyMs`; the probe runs at
 * least once, and once more at the deadline if it falls between two probes.
 * @param what what is awaited, for the timeout error ("the worker", "wf-1 to reach recording")
 * @param options the timeout in ms, or {@link WaitOptions}
 * @returns the probe's first defined answer
 * @throws WaitTimeoutError after the timeout; the probe's error at once with `onError: 'throw'`
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  options: number | WaitOptions = {},
): Promise<T> {
  const o = typeof options === 'number' ? { timeoutMs: options } : options;
  const timeoutMs = o.timeoutMs ?? 60_000;
  const everyMs = o.everyMs ?? 250;
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      if (o.onError === 'throw') throw e;
      lastError = e;
    }
    const left = until - Date.now();
    if (left <= 0) throw new WaitTimeoutError(what, timeoutMs, lastError);
    await sleep(Math.min(everyMs, left));
  }
}
