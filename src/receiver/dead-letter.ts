/**
 * The dead-letter log of the NCS receiver: one JSON object per line (JSONL), appended, never rewritten. It keeps every
 * notification that was acknowledged to Agora but could not be delivered to a workflow: the recording is unknown (no
 * workflow with that ID), already finished, or the notification is not routable (no cname/uid). Operators read it
 * with `jq`; nothing in it is secret (NCS bodies carry ids, statuses and file names only).
 *
 * Line shape: `{"at": <Unix ms>, "reason": "<why>", "workflowId"?: "...", "notification": <the parsed body>}`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** Why a notification was dead-lettered. */
export type DeadLetterReason = 'workflow_not_found' | 'unroutable' | 'delivery_deadline_exceeded';

/** One dead-letter record. */
export interface DeadLetterRecord {
  /** Unix ms when the record was written. */
  at: number;
  reason: DeadLetterReason;
  workflowId?: string;
  /** The notification as parsed (plain JSON). */
  notification: unknown;
  /** A short, secret-free description of the last error, when there was one. */
  error?: string;
}

/** Appends records to a JSONL file, creating its directory on first use. Appends are serialised. */
export class DeadLetterLog {
  private chain: Promise<void> = Promise.resolve();

  /** @param file path of the JSONL file, e.g. `./data/ncs-dead-letter.jsonl` */
  constructor(readonly file: string) {}

  /** Appends one record. @returns when the line is written. @throws the fs error when the file cannot be written. */
  append(record: Omit<DeadLetterRecord, 'at'>): Promise<void> {
    const line = JSON.stringify({ at: Date.now(), ...record }) + '\n';
    const next = this.chain.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await fs.appendFile(this.file, line, 'utf8');
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Reads every record (for tests and operators' tools). A missing file is an empty log. */
  async read(): Promise<DeadLetterRecord[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as DeadLetterRecord);
  }
}
