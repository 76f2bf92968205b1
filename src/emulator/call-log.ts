/** The call log: one entry per Agora API request the emulator received (control API requests excluded). */
import { type EndpointName } from './faults';

/** One logged call. */
export interface CallLogEntry {
  /** Sequence number from 1, in arrival order. */
  seq: number;
  method: string;
  /** Path without the query string, e.g. `/v1/apps/APPID/cloud_recording/acquire`. */
  path: string;
  /** The endpoint, when the path matched one (https://docs.agora.io/en/cloud-recording/rest-api/overview). */
  endpoint?: EndpointName;
  /** Path parameters (`resourceId`, `sid`, `mode`), when matched. */
  resourceId?: string;
  sid?: string;
  mode?: string;
  /** The JSON body with secrets masked (see `mask.ts`); undefined for GET or an unparsable body. */
  body?: unknown;
  /** HTTP status sent; `null` when the response was dropped (a `drop` fault) or the connection closed first. */
  httpStatus: number | null;
  /** The body `code`, when the answer carried one. */
  code?: number;
  /** The injected fault kind that shaped this answer, if any. */
  fault?: string;
  /**
   * A fault rule that matched but did not apply (a 49/50 rule for a task failing over, see server.ts): its kind. The
   * answer is the endpoint's own.
   */
  suppressedFault?: string;
  /**
   * When a committing fault (`drop`, or `error`/`code65` with `commit`) replaced the answer: what the endpoint itself
   * answered, i.e. the state change that really happened (e.g. `{httpStatus: 200}` for a start that created a task
   * although the client saw no answer).
   */
  committed?: { httpStatus: number; code?: number };
  /** Emulated time the request arrived, Unix ms. */
  at: number;
  /** Emulated time the answer was sent (or dropped), Unix ms. */
  answeredAt?: number;
}

/** Append-only log with reset. */
export class CallLog {
  private entries: CallLogEntry[] = [];
  private seq = 0;

  /** Opens an entry at arrival; the caller fills in the outcome. */
  open(entry: Omit<CallLogEntry, 'seq' | 'httpStatus'>): CallLogEntry {
    const full: CallLogEntry = { ...entry, seq: ++this.seq, httpStatus: null };
    this.entries.push(full);
    return full;
  }

  /** Copies of the entries, oldest first; with `afterSeq`, only those with a larger `seq`. */
  list(afterSeq?: number): CallLogEntry[] {
    if (afterSeq === undefined) return this.entries.map((e) => ({ ...e }));
    let i = this.entries.length;
    while (i > 0 && (this.entries[i - 1]?.seq ?? 0) > afterSeq) i--;
    return this.entries.slice(i).map((e) => ({ ...e }));
  }

  /** The `seq` of the latest entry (0 before any). */
  lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.entries = [];
  }
}
