/**
 * The bench's view of the emulator, over its control API (`/_emulator/...`, see src/emulator/control.ts): the call
 * log, tasks and fault rules. Timestamps in the call log (`at`, `answeredAt`) are the emulator clock; the bench runs
 * the emulator on its wall clock at speed 1 (`clock: wall x1`), whose `now()` is `Date.now()` of the emulator process,
 * so they compare with `Date.now()` in the bench process on the same machine to the millisecond.
 */
import type { CallLogEntry, FaultRule, TaskSnapshot } from '../../src/emulator';

export class EmulatorControl {
  constructor(readonly baseUrl: string) {}

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/_emulator${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} /_emulator${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  calls(): Promise<CallLogEntry[]> {
    return this.json('GET', '/calls');
  }
  clearCalls(): Promise<unknown> {
    return this.json('DELETE', '/calls');
  }
  tasks(): Promise<TaskSnapshot[]> {
    return this.json('GET', '/tasks');
  }
  addFault(rule: FaultRule): Promise<{ id: number }> {
    return this.json('POST', '/faults', rule);
  }
  clearFaults(): Promise<unknown> {
    return this.json('DELETE', '/faults');
  }
  /** A publisher joins the simulated channel (so the recording has content). */
  join(cname: string, uid: string): Promise<unknown> {
    return this.json('POST', `/channels/${encodeURIComponent(cname)}/join`, { uid, publishing: true });
  }
  health(): Promise<{ ok: boolean; now: number; mode: string }> {
    return this.json('GET', '/health');
  }
}

/** The cname of a logged call: from the body (acquire, start, update, updateLayout, stop carry cname). */
export function callCname(c: CallLogEntry): string | undefined {
  const b = c.body as { cname?: unknown } | undefined;
  return typeof b?.cname === 'string' ? b.cname : undefined;
}
