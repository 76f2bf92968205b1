/**
 * The bench's reading of the emulator's call log (read with `EmulatorControl` of src/emulator). Timestamps in the call
 * log (`at`, `answeredAt`) are the emulator clock; the bench runs the emulator on its wall clock at speed 1
 * (`clock: wall x1`), whose `now()` is `Date.now()` of the emulator process, so they compare with `Date.now()` in the
 * bench process on the same machine to the millisecond.
 */
import type { CallLogEntry } from '../../src/emulator';

/** The cname of a logged call: from the body (acquire, start, update, updateLayout, stop carry cname). */
export function callCname(c: CallLogEntry): string | undefined {
  const b = c.body as { cname?: unknown } | undefined;
  return typeof b?.cname === 'string' ? b.cname : undefined;
}
