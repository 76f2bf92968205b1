/**
 * A client of the emulator's HTTP control API (`/_emulator/...`, served by control.ts): what the demo, the fault
 * tests and the bench use to drive a running emulator process (faults, channels, failover) and read what it saw (the
 * call log, tasks, NCS notifications and deliveries). Timestamps are the emulator clock (`at`, `answeredAt`); on its
 * wall clock at speed 1 that is `Date.now()` of the emulator process.
 */
import { type CallLogEntry } from './call-log';
import { type FaultRule } from './faults';
import { type EmittedNotification, type NcsDeliveryAttempt } from './ncs';
import { type TaskSnapshot } from './task';

export class EmulatorControl {
  /** @param baseUrl the emulator's base URL (`http://HOST:PORT`, without `/_emulator`) */
  constructor(readonly baseUrl: string) {}

  /** @throws Error naming the method, the path, the HTTP status and the answer's body, unless it is a 2xx */
  private async call<T>(method: string, p: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/_emulator${p}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`emulator ${method} /_emulator${p}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  health(): Promise<{ ok: boolean; now: number; mode: string }> {
    return this.call('GET', '/health');
  }
  /** @returns the rule's id */
  async addFault(rule: FaultRule): Promise<number> {
    return (await this.call<{ id: number }>('POST', '/faults', rule)).id;
  }
  async removeFault(id: number): Promise<void> {
    await this.call('DELETE', `/faults/${id}`);
  }
  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }
  /** Every Agora API call so far (secrets masked), oldest first. */
  calls(): Promise<CallLogEntry[]> {
    return this.call('GET', '/calls');
  }
  async clearCalls(): Promise<void> {
    await this.call('DELETE', '/calls');
  }
  tasks(): Promise<TaskSnapshot[]> {
    return this.call('GET', '/tasks');
  }
  /** Every NCS notification emitted (dropped ones too), in emission order. */
  notifications(): Promise<EmittedNotification[]> {
    return this.call('GET', '/notifications');
  }
  deliveries(): Promise<NcsDeliveryAttempt[]> {
    return this.call('GET', '/deliveries');
  }
  /** A user joins the simulated channel (publishing audio and video unless `publishing` is false). */
  async join(cname: string, uid: string, publishing = true): Promise<void> {
    await this.call('POST', `/channels/${encodeURIComponent(cname)}/join`, { uid, publishing });
  }
  async leave(cname: string, uid: string): Promise<void> {
    await this.call('POST', `/channels/${encodeURIComponent(cname)}/leave`, { uid });
  }
  /** Query, update, updateLayout and stop of the task answer 404 for `ms`, then event 12 (an HA failover). */
  async failover(sid: string, ms: number): Promise<void> {
    await this.call('POST', `/tasks/${encodeURIComponent(sid)}/failover`, { ms });
  }

  /**
   * The Agora calls of one recording: those whose body names the cname (acquire, start, update, updateLayout, stop)
   * and those addressed to one of its sids or resourceIds (query).
   */
  async callsFor(cname: string): Promise<CallLogEntry[]> {
    const all = await this.calls();
    const mine = all.filter((c) => (c.body as { cname?: unknown } | undefined)?.cname === cname);
    const sids = new Set(mine.map((c) => c.sid).filter(Boolean));
    const rids = new Set(mine.map((c) => c.resourceId).filter(Boolean));
    return all.filter(
      (c) => mine.includes(c) || (c.sid !== undefined && sids.has(c.sid)) || (c.resourceId && rids.has(c.resourceId)),
    );
  }

  async tasksFor(cname: string): Promise<TaskSnapshot[]> {
    return (await this.tasks()).filter((t) => t.cname === cname);
  }
}
