/**
 * The recording state (docs/architecture.md step 4): one loop that does one thing at a time (Agora wants update and
 * updateLayout calls serialised,
 * https://docs.agora.io/en/cloud-recording/rest-api/update, https://docs.agora.io/en/cloud-recording/rest-api/update-layout,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices) and otherwise sleeps on a single
 * timer.
 *
 * Each turn, in this order: Agora ended it → leave; cancellation, stop request or max duration → leave to stop; a
 * pending layout → updateLayout with the newest full layout; a pending subscription → update; a due or forced health
 * check → query; continue-as-new when suggested and every handler finished. Otherwise wait until one of those becomes
 * true or the next health check / max duration comes, whichever is first: one timer, so an idle hour costs only the
 * health checks (3 × 6 events with the default 20-minute cadence). The timer survives the work done in between (a
 * layout change does not cancel and restart it), which saves two events per request.
 */
import { CancellationScope, allHandlersFinished, condition, sleep, workflowInfo } from '@temporalio/workflow';
import { type SessionRef, type RecordingInput, isEndingStatus, WorkflowErrorType } from '../contract';
import { agoraCall, healthQuery } from './activities';
import { describeFailure, now, recordError, type Memory, type Refusal } from './state';
import type { ResolvedPolicy } from './validate';

/**
 * How often to re-query while a 404 may be Agora failing the recorder over
 * (https://docs.agora.io/en/cloud-recording/rest-api/status-codes suggests backing off 5/10/15 s).
 */
export const FAILOVER_RECHECK_SECONDS = 30;

/** Why the recording state ended. */
export type SessionEnd =
  { kind: 'stop'; reason: string } | { kind: 'exited'; reason: string } | { kind: 'continueAsNew' };

/** The session identity every post-start call repeats (https://docs.agora.io/en/cloud-recording/rest-api/overview). */
export function sessionRef(input: RecordingInput, mem: Memory): SessionRef {
  return {
    cname: input.cname,
    uid: input.uid,
    mode: input.mode,
    resourceId: mem.status.resourceId ?? '',
    sid: mem.status.sid ?? '',
  };
}

const layoutPending = (mem: Memory): boolean => (mem.layoutRequest?.generation ?? 0) > mem.layoutApplied;
const subscriptionPending = (mem: Memory): boolean =>
  (mem.subscriptionRequest?.generation ?? 0) > mem.subscriptionApplied;

/** The server suggests continue-as-new, or the run reached the policy's event count. */
function continueAsNewWanted(policy: ResolvedPolicy): boolean {
  const info = workflowInfo();
  const limit = policy.continueAsNewAfterEvents;
  return info.continueAsNewSuggested || (limit !== undefined && info.historyLength >= limit);
}

/** Runs the recording state until it must end or continue as new. `startedAt` must be set. */
export async function recordUntilDone(input: RecordingInput, policy: ResolvedPolicy, mem: Memory): Promise<SessionEnd> {
  const ref = sessionRef(input, mem);
  const maxDeadline = (mem.status.startedAt ?? now()) + policy.maxDurationSeconds * 1000;
  const hasWork = (): boolean =>
    mem.exit !== undefined ||
    mem.cancelRequested ||
    mem.stopReason !== undefined ||
    layoutPending(mem) ||
    subscriptionPending(mem) ||
    mem.healthCheckForced ||
    (continueAsNewWanted(policy) && allHandlersFinished());

  const timer = new WakeTimer('recording: next health check or max duration', mem.economy);
  const leave = (end: SessionEnd): SessionEnd => {
    // Before ECONOMY_PATCH the timer was cancelled here (one event, every recording) so that it would not fire during
    // the upload wait; now it is left: the run usually completes first, and if not, its firing changes nothing.
    if (end.kind !== 'continueAsNew' && !mem.economy) timer.cancel();
    return end;
  };
  for (;;) {
    if (mem.exit) return leave({ kind: 'exited', reason: mem.exit.reason });
    if (mem.cancelRequested) return leave({ kind: 'stop', reason: 'cancelled' });
    if (mem.stopReason !== undefined) return leave({ kind: 'stop', reason: mem.stopReason });
    if (now() >= maxDeadline) return leave({ kind: 'stop', reason: `max duration (${policy.maxDurationSeconds} s)` });
    if (layoutPending(mem)) {
      await applyLayout(ref, mem);
      continue;
    }
    if (subscriptionPending(mem)) {
      await applySubscription(ref, mem);
      continue;
    }
    if (mem.healthCheckForced || now() >= mem.nextHealthCheckAt) {
      await checkHealth(ref, policy, mem);
      continue;
    }
    if (continueAsNewWanted(policy) && allHandlersFinished()) return leave({ kind: 'continueAsNew' });
    timer.set(Math.min(mem.nextHealthCheckAt, maxDeadline));
    await condition(() => timer.fired || hasWork());
  }
}

/**
 * One durable timer that stays armed across loop turns: {@link set} only replaces it when the wake-up time changes, so
 * work done while it runs costs no TIMER_CANCELED / TIMER_STARTED pair. A lazy timer is not replaced when the wake-up
 * moves LATER (an NCS notification postpones the health check): it fires early once, the loop finds nothing due and
 * arms it again, which costs nothing when the recording ends first.
 */
class WakeTimer {
  private at?: number;
  private scope?: CancellationScope;
  /** The timer for the current wake-up time has fired. */
  fired = false;

  constructor(
    private readonly summary: string,
    private readonly lazy: boolean,
  ) {}

  /** Arms the timer for `at` (Unix ms), unless it is already armed for that time (or, lazy, an earlier one). */
  set(at: number): void {
    if (this.at !== undefined && !this.fired && (this.at === at || (this.lazy && this.at < at))) return;
    this.cancel();
    const scope = new CancellationScope({ cancellable: true });
    this.at = at;
    this.fired = false;
    this.scope = scope;
    scope
      .run(() => sleep(Math.max(1, at - now()), { summary: this.summary }))
      .then(
        () => {
          if (this.scope === scope) this.fired = true;
        },
        () => undefined, // cancelled
      );
  }

  /** Cancels the armed timer, if any. */
  cancel(): void {
    if (this.scope && !this.fired) this.scope.cancel();
    this.scope = undefined;
    this.at = undefined;
    this.fired = false;
  }
}

/**
 * Sends the newest requested layout, in full (Agora replaces the whole layout,
 * https://docs.agora.io/en/cloud-recording/rest-api/update-layout).
 */
async function applyLayout(ref: SessionRef, mem: Memory): Promise<void> {
  const request = mem.layoutRequest;
  if (!request) return;
  let refusal: Refusal | undefined;
  try {
    const r = await agoraCall(mem, 'updateLayout').executeWithOptions(
      { summary: `updateLayout: layout #${request.generation}` },
      [{ ...ref, layout: request.value }],
    );
    if (r.kind === 'ok') mem.status.layout = request.value;
    else refusal = notFound(mem, request.generation, 'updateLayout');
  } catch (err) {
    refusal = { generation: request.generation, ...describeFailure(err) };
    recordError(mem, refusal);
  }
  mem.layoutRefusal = refusal ?? mem.layoutRefusal;
  mem.layoutApplied = request.generation;
  if (mem.layoutRequest?.generation === request.generation) mem.status.pendingLayout = undefined;
}

/**
 * Sends the newest requested subscription lists with update (https://docs.agora.io/en/cloud-recording/rest-api/update).
 */
async function applySubscription(ref: SessionRef, mem: Memory): Promise<void> {
  const request = mem.subscriptionRequest;
  if (!request) return;
  try {
    const r = await agoraCall(mem, 'update').executeWithOptions(
      { summary: `update: subscription #${request.generation}` },
      [{ ...ref, streamSubscribe: request.value }],
    );
    if (r.kind === 'ok') mem.status.subscription = request.value;
    else notFound(mem, request.generation, 'update');
  } catch (err) {
    recordError(mem, describeFailure(err));
  }
  mem.subscriptionApplied = request.generation;
  if (mem.subscriptionRequest?.generation === request.generation) mem.status.pendingSubscription = undefined;
}

/**
 * A 404 on update/updateLayout: gone, or failing over
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices). Ask query, which knows the
 * failover window.
 */
function notFound(mem: Memory, generation: number, call: string): Refusal {
  const refusal = {
    generation,
    type: WorkflowErrorType.notFound,
    message: `${call} answered 404: the task is gone or failing over`,
  };
  recordError(mem, refusal);
  mem.healthCheckForced = true;
  return refusal;
}

/**
 * The query fallback (https://docs.agora.io/en/cloud-recording/rest-api/query,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices). A 404 inside
 * failoverWindowSeconds of the first one is Agora moving the task to another server, so query again every {@link
 * FAILOVER_RECHECK_SECONDS}; a 404 that outlasts the window, or a status of 6 and above, or code 501 (the service is
 * exiting), means Agora ended the task. A query that fails (network, 5xx after retries) decides nothing.
 */
async function checkHealth(ref: SessionRef, policy: ResolvedPolicy, mem: Memory): Promise<void> {
  mem.healthCheckForced = false;
  const interval = policy.healthCheckIntervalSeconds * 1000;
  let result;
  try {
    result = await healthQuery.executeWithOptions({ summary: 'query: is the recording alive?' }, [ref]);
  } catch (err) {
    recordError(mem, describeFailure(err));
    mem.nextHealthCheckAt = now() + interval;
    return;
  }
  if (result.kind === 'ok') {
    mem.notFoundSince = undefined;
    if (isEndingStatus(result.status)) mem.exit ??= { reason: `query: Agora reports status ${result.status}` };
    mem.nextHealthCheckAt = now() + interval;
    return;
  }
  if (result.kind === 'exiting') {
    // Code 501 (https://docs.agora.io/en/cloud-recording/rest-api/status-codes legacy): the task is exiting, not
    // failing over; no reason to wait out the failover window.
    mem.exit ??= { reason: 'query: Agora reports the recording service is exiting (code 501)' };
    return;
  }
  const since = (mem.notFoundSince ??= now());
  const windowEnd = since + policy.failoverWindowSeconds * 1000;
  if (now() >= windowEnd) {
    const seconds = Math.round((now() - since) / 1000);
    mem.exit ??= {
      reason: `query: not found for ${seconds} s, beyond the ${policy.failoverWindowSeconds} s failover window`,
    };
    return;
  }
  recordError(mem, {
    type: WorkflowErrorType.notFound,
    message: 'query answered 404; inside the failover window, querying again',
  });
  mem.nextHealthCheckAt = Math.min(now() + FAILOVER_RECHECK_SECONDS * 1000, windowEnd);
}
