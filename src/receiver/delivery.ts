/**
 * Reliable, asynchronous delivery of accepted NCS notifications to recording workflows.
 *
 * The decision (README "NCS setup"): Agora wants a 200 within 10 s and retries at most 3 times
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications), so the receiver must not make its answer
 * depend on Temporal being reachable at that instant. A notification that passed the signature and envelope checks is
 * first appended to a spool file (JSONL write-ahead log), then acknowledged with 200, then signalled to its workflow in
 * the background with retries (exponential back-off, 200 ms → 10 s) until `deadlineMs` passes. A restarted receiver
 * replays the spool entries that were never marked delivered. A signal to a workflow that does not exist or has
 * finished is not retried: the notification goes to the dead-letter log.
 *
 * Routing (https://docs.agora.io/en/cloud-recording/develop/receive-notifications): payload `cname` + `uid` → {@link
 * recordingWorkflowId}(appId, cname, uid). After an HA failover Agora may send from a new recorder uid
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices), so when that ID is unknown and
 * the payload has a `sid`, the running workflow whose `AgoraSid` search attribute equals it is signalled instead.
 *
 * Per workflow, deliveries are serialised (arrival order); the workflow orders by `payload.sequence` anyway.
 *
 * One notification is acknowledged without a signal: a recorder_started (event 40) whose workflow already holds that
 * sid (see {@link holdsSid}). It only serves sid recovery
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices), and every signal costs the
 * workflow a workflow task and ~4 history events.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Logger } from 'pino';
import { NcsEvent, type NcsNotification } from '../agora/notifications';
import { agoraNotificationSignal, recordingWorkflowId, agoraSidKey } from '../contract';
import type { DeadLetterLog } from './dead-letter';

/** What the delivery needs. */
export interface DeliveryOptions {
  client: Client;
  /** App ID the workflow IDs are built with. */
  appId: string;
  /** Spool (write-ahead log) path, JSONL. */
  spoolFile: string;
  deadLetter: DeadLetterLog;
  /** How long (ms) one notification is retried against Temporal before it is dead-lettered. */
  deadlineMs: number;
  logger: Logger;
}

type SpoolLine = { t: 'accepted'; at: number; n: NcsNotification } | { t: 'done'; id: string };

/**
 * How a delivery ended. `sid_held`: a recorder_started for a workflow that already holds its sid (acknowledged, not
 * signalled); `deferred`: the receiver shut down first, the spool replays it at the next start.
 */
export type DeliveryOutcome = 'signalled' | 'sid_held' | 'dead_lettered' | 'deferred';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Whether `n` is a recorder_started (event 40) whose running workflow `workflowId` already holds `payload.sid` as its
 * AgoraSid search attribute. The workflow uses event 40 only to learn a sid it does not have (a start whose answer was
 * lost, https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices); once it has one, the
 * notification changes nothing. DescribeWorkflowExecution reads the workflow's own state (not the eventually-consistent
 * visibility store), and the workflow sets AgoraSid in the same workflow task in which it learns the sid and never
 * unsets it. Any doubt (another event type, the ID not found, another or no sid, the call failing) answers false, and
 * the notification is signalled as usual.
 */
export async function holdsSid(client: Client, workflowId: string, n: NcsNotification): Promise<boolean> {
  if (n.eventType !== NcsEvent.recorder_started) return false;
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    return d.status.name === 'RUNNING' && d.typedSearchAttributes.get(agoraSidKey) === n.payload.sid;
  } catch {
    return false;
  }
}

/** Accepts notifications durably and signals them to their workflows in the background. */
export class NotificationDelivery {
  private spoolChain: Promise<void> = Promise.resolve();
  private readonly perWorkflow = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<DeliveryOutcome>>();
  private closed = false;
  /** Counters for /healthz and tests. */
  readonly stats = { accepted: 0, signalled: 0, sidHeld: 0, deadLettered: 0, retries: 0 };

  constructor(private readonly o: DeliveryOptions) {}

  /**
   * Replays the spool: every notification accepted but never marked delivered is delivered again, and the spool is
   * compacted to those entries. Call once before serving.
   * @returns how many notifications were replayed.
   */
  async open(): Promise<number> {
    await fs.mkdir(path.dirname(this.o.spoolFile), { recursive: true });
    let text = '';
    try {
      text = await fs.readFile(this.o.spoolFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const pending = new Map<string, { at: number; n: NcsNotification }>();
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const l = JSON.parse(line) as SpoolLine;
        if (l.t === 'accepted') pending.set(l.n.noticeId, { at: l.at, n: l.n });
        else pending.delete(l.id);
      } catch {
        // A torn last line from a crash mid-append: skip it.
      }
    }
    const compacted = [...pending.values()].map(({ at, n }) => JSON.stringify({ t: 'accepted', at, n }) + '\n');
    await fs.writeFile(this.o.spoolFile, compacted.join(''), 'utf8');
    for (const { at, n } of pending.values()) void this.schedule(n, at);
    if (pending.size) this.o.logger.info({ replayed: pending.size }, 'replaying undelivered NCS notifications');
    return pending.size;
  }

  /**
   * Accepts a notification: appends it to the spool, then schedules its delivery.
   * @returns once the spool line is written (the caller may then answer 200) and a promise of the delivery outcome.
   * @throws when the spool cannot be written (the caller answers 500 so that NCS retries).
   */
  async accept(n: NcsNotification): Promise<{ delivered: Promise<DeliveryOutcome> }> {
    const at = Date.now();
    await this.writeSpool({ t: 'accepted', at, n });
    this.stats.accepted++;
    return { delivered: this.schedule(n, at) };
  }

  /**
   * Waits for the deliveries in flight (graceful shutdown), at most `timeoutMs`; after that, the remaining ones stay
   * in the spool and are replayed at the next start.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.closed = true;
    await Promise.race([Promise.allSettled([...this.inFlight]), sleep(timeoutMs)]);
  }

  private schedule(n: NcsNotification, acceptedAt: number): Promise<DeliveryOutcome> {
    const workflowId = recordingWorkflowId(this.o.appId, n.payload.cname, n.payload.uid);
    const previous = this.perWorkflow.get(workflowId) ?? Promise.resolve();
    const p = previous.then(() =>
      this.deliver(n, workflowId, acceptedAt).catch((e: unknown) => {
        // Only the spool or dead-letter file can fail here; the entry stays in the spool for the next start.
        this.o.logger.error(
          { noticeId: n.noticeId, err: e instanceof Error ? e.message : String(e) },
          'delivery failed',
        );
        return 'deferred' as const;
      }),
    );
    const tracked = p.finally(() => {
      this.inFlight.delete(tracked);
      if (this.perWorkflow.get(workflowId) === tracked) this.perWorkflow.delete(workflowId);
    });
    this.perWorkflow.set(workflowId, tracked);
    this.inFlight.add(tracked);
    return tracked;
  }

  private async deliver(n: NcsNotification, workflowId: string, acceptedAt: number): Promise<DeliveryOutcome> {
    const log = this.o.logger.child({ noticeId: n.noticeId, eventType: n.eventType, workflowId });
    if (await holdsSid(this.o.client, workflowId, n)) {
      log.debug('recorder_started of a sid the workflow already holds: acknowledged, not signalled');
      this.stats.sidHeld++;
      await this.writeSpool({ t: 'done', id: n.noticeId });
      return 'sid_held';
    }
    let delay = 200;
    let lastError = '';
    for (;;) {
      try {
        const target = await this.signal(n, workflowId);
        if (target) {
          log.info({ target }, 'notification signalled');
          this.stats.signalled++;
          await this.writeSpool({ t: 'done', id: n.noticeId });
          return 'signalled';
        }
        log.warn('no running workflow for this notification: dead-lettered');
        return await this.deadLetter(n, workflowId, 'workflow_not_found');
      } catch (e) {
        lastError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        if (this.closed) {
          log.warn({ err: lastError }, 'shutting down: left in the spool for the next start');
          return 'deferred';
        }
        if (Date.now() - acceptedAt + delay > this.o.deadlineMs) break;
        this.stats.retries++;
        log.warn({ err: lastError, retryInMs: delay }, 'signal failed; retrying');
        await sleep(delay);
        delay = Math.min(delay * 2, 10_000);
      }
    }
    log.error({ err: lastError }, 'delivery deadline exceeded: dead-lettered');
    return this.deadLetter(n, workflowId, 'delivery_deadline_exceeded', lastError);
  }

  /** Signals the workflow; @returns the workflow ID signalled, or undefined when no running workflow matches. */
  private async signal(n: NcsNotification, workflowId: string): Promise<string | undefined> {
    try {
      await this.o.client.workflow.getHandle(workflowId).signal(agoraNotificationSignal, n);
      return workflowId;
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) throw e;
    }
    const bySid = await this.findBySid(n.payload.sid);
    if (!bySid) return undefined;
    try {
      await this.o.client.workflow.getHandle(bySid).signal(agoraNotificationSignal, n);
      return bySid;
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) return undefined;
      throw e;
    }
  }

  /** The running workflow whose AgoraSid is `sid` (after a failover the recorder uid changes, the sid does not). */
  private async findBySid(sid: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(sid)) return undefined; // never interpolate anything else into a query
    for await (const wf of this.o.client.workflow.list({
      query: `AgoraSid = "${sid}" AND ExecutionStatus = "Running"`,
      pageSize: 2,
    })) {
      return wf.workflowId;
    }
    return undefined;
  }

  private async deadLetter(
    n: NcsNotification,
    workflowId: string,
    reason: 'workflow_not_found' | 'delivery_deadline_exceeded',
    error?: string,
  ): Promise<DeliveryOutcome> {
    await this.o.deadLetter.append({ reason, workflowId, notification: n, ...(error ? { error } : {}) });
    this.stats.deadLettered++;
    await this.writeSpool({ t: 'done', id: n.noticeId });
    return 'dead_lettered';
  }

  private writeSpool(line: SpoolLine): Promise<void> {
    const next = this.spoolChain.then(() => fs.appendFile(this.o.spoolFile, JSON.stringify(line) + '\n', 'utf8'));
    this.spoolChain = next.catch(() => undefined);
    return next;
  }
}
