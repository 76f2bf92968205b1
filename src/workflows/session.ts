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
import { CancellationScope, allHandlersFinished, condition, log, sleep, workflowInfo } from '@temporalio/workflow';
import { type SessionRef, type RecordingInput, isEndingStatus, isRunningStatus, WorkflowErrorType } from '../contract';
import { agoraCall, healthQuery } from './activities';
import {
  describeFailure,
  exitBelieved,
  followsNoOrphan,
  mergeFileList,
  now,
  recordError,
  type Memory,
  type Refusal,
} from './state';
import type { ResolvedPolicy } from './validate';

/**
 * How often to re-query while a 404 may be Agora failing the recorder over
 * (https://docs.agora.io/en/cloud-recording/rest-api/status-codes suggests backing off 5/10/15 s).
 */
export const FAILOVER_RECHECK_SECONDS = 30;

/**
 * Query cadence while no notification of this sid has arrived, seconds: Agora suggests querying about every 2 minutes
 * when polling is the only signal (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
export const NCS_LESS_HEALTH_CHECK_SECONDS = 120;

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

/** Layout and subscription requests may be sent now: no 404 (a failover) is holding them back. */
const requestsDue = (mem: Memory): boolean => mem.requestsRetryAt === undefined || now() >= mem.requestsRetryAt;

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
  // An exit still to be confirmed is work once (its query); then it waits for the query cadence like the rest.
  const hasWork = (): boolean =>
    (mem.exit !== undefined &&
      (mem.exit.evidence !== undefined || mem.sessionExited || mem.exitQueriedAt === undefined)) ||
    mem.cancelRequested ||
    mem.stopReason !== undefined ||
    ((layoutPending(mem) || subscriptionPending(mem)) && requestsDue(mem)) ||
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
    if (mem.exit) {
      if (exitBelieved(mem)) return leave({ kind: 'exited', reason: mem.exit.reason });
      // A recorder_leave (or web_recorder_stopped) that no query confirmed yet: ask now, then at the failover
      // cadence, until the task answers (running: a failover's old recorder; ended: confirmed) or the window passes.
      if (mem.exitQueriedAt === undefined) {
        mem.exitQueriedAt = now();
        mem.healthCheckForced = true;
      }
    }
    if (mem.cancelRequested) return leave({ kind: 'stop', reason: 'cancelled' });
    if (mem.stopReason !== undefined) return leave({ kind: 'stop', reason: mem.stopReason });
    if (now() >= maxDeadline) return leave({ kind: 'stop', reason: `max duration (${policy.maxDurationSeconds} s)` });
    if (layoutPending(mem) && requestsDue(mem)) {
      await applyLayout(ref, policy, mem);
      continue;
    }
    if (subscriptionPending(mem) && requestsDue(mem)) {
      await applySubscription(ref, policy, mem);
      continue;
    }
    if (mem.healthCheckForced || now() >= mem.nextHealthCheckAt) {
      await checkHealth(ref, policy, mem);
      continue;
    }
    if (continueAsNewWanted(policy) && allHandlersFinished()) return leave({ kind: 'continueAsNew' });
    // A held layout/subscription request wakes the loop when it may be sent again (never a time already past).
    const heldUntil =
      (layoutPending(mem) || subscriptionPending(mem)) && (mem.requestsRetryAt ?? 0) > now()
        ? (mem.requestsRetryAt ?? Infinity)
        : Infinity;
    timer.set(Math.min(mem.nextHealthCheckAt, maxDeadline, heldUntil));
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
async function applyLayout(ref: SessionRef, policy: ResolvedPolicy, mem: Memory): Promise<void> {
  const request = mem.layoutRequest;
  if (!request) return;
  let refusal: Refusal | undefined;
  try {
    const r = await agoraCall(mem, 'updateLayout').executeWithOptions(
      { summary: `updateLayout: layout #${request.generation}` },
      [{ ...ref, layout: request.value }],
    );
    if (r.kind === 'ok') {
      mem.status.layout = request.value;
      releaseHold(mem);
    } else if (holdDuringFailover(policy, mem)) return;
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
async function applySubscription(ref: SessionRef, policy: ResolvedPolicy, mem: Memory): Promise<void> {
  const request = mem.subscriptionRequest;
  if (!request) return;
  try {
    const r = await agoraCall(mem, 'update').executeWithOptions(
      { summary: `update: subscription #${request.generation}` },
      [{ ...ref, streamSubscribe: request.value }],
    );
    if (r.kind === 'ok') {
      mem.status.subscription = request.value;
      releaseHold(mem);
    } else if (holdDuringFailover(policy, mem)) return;
    else notFound(mem, request.generation, 'update');
  } catch (err) {
    recordError(mem, describeFailure(err));
  }
  mem.subscriptionApplied = request.generation;
  if (mem.subscriptionRequest?.generation === request.generation) mem.status.pendingSubscription = undefined;
}

/**
 * A 404 on update/updateLayout inside the failover window (NO_ORPHAN_PATCH): the request stays pending and is sent
 * again once a query finds the recorder back, or every {@link FAILOVER_RECHECK_SECONDS}; only past the window is it
 * refused (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices). @returns true when
 * held.
 */
function holdDuringFailover(policy: ResolvedPolicy, mem: Memory): boolean {
  if (!followsNoOrphan(mem)) return false;
  // The window is the held request's own (first 404 of this hold), so a query that finds the recorder back does not
  // restart it: a request that keeps meeting 404 is refused once the window has passed.
  const since = (mem.requestsHeldSince ??= now());
  const windowEnd = since + policy.failoverWindowSeconds * 1000;
  if (now() >= windowEnd) {
    releaseHold(mem);
    return false;
  }
  recordError(mem, {
    type: WorkflowErrorType.notFound,
    message: 'update/updateLayout answered 404; inside the failover window, the request waits for the recorder',
  });
  mem.requestsRetryAt = Math.min(now() + FAILOVER_RECHECK_SECONDS * 1000, windowEnd);
  mem.healthCheckForced = true;
  return true;
}

/** A held request went through (or was refused): the next 404 starts a new hold. */
function releaseHold(mem: Memory): void {
  mem.requestsHeldSince = undefined;
  mem.requestsRetryAt = undefined;
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
  const interval = healthCheckCadenceMs(policy, mem);
  let result;
  try {
    result = await healthQuery.executeWithOptions({ summary: 'query: is the recording alive?' }, [ref]);
  } catch (err) {
    recordError(mem, describeFailure(err));
    mem.nextHealthCheckAt = now() + interval;
    if (mem.exit && !exitBelieved(mem)) unconfirmedExit(mem, policy, undefined);
    return;
  }
  if (result.kind === 'ok') {
    mem.notFoundSince = undefined;
    // The files so far (https://docs.agora.io/en/cloud-recording/rest-api/query): with NCS lost, all there may be.
    mergeFileList(mem, result.fileList);
    mem.nextHealthCheckAt = now() + interval;
    if (isRunningStatus(result.status)) mem.seenRunning = true;
    if (isEndingStatus(result.status)) {
      mem.exit = { reason: mem.exit?.reason ?? `query: Agora reports status ${result.status}`, evidence: 'confirmed' };
    } else if (mem.exit && !exitBelieved(mem)) {
      unconfirmedExit(mem, policy, isRunningStatus(result.status) ? `status ${result.status}` : undefined);
    } else if (!mem.seenRunning && mem.status.startedAt !== undefined && followsNoOrphan(mem)) {
      neverRunning(mem, result.status);
    }
    return;
  }
  if (result.kind === 'exiting') {
    // Code 501 (https://docs.agora.io/en/cloud-recording/rest-api/status-codes legacy): the task is exiting, not
    // failing over; no reason to wait out the failover window.
    mem.exit = {
      reason: mem.exit?.reason ?? 'query: Agora reports the recording service is exiting (code 501)',
      evidence: 'confirmed',
    };
    return;
  }
  // A 404 long after the last one is a new episode (a failover that ended unseen, a query that failed in between),
  // not the continuation of the old window (NO_ORPHAN_PATCH).
  const last = mem.lastNotFoundAt;
  if (last !== undefined && now() - last > 3 * FAILOVER_RECHECK_SECONDS * 1000 && followsNoOrphan(mem)) {
    mem.notFoundSince = undefined;
  }
  mem.lastNotFoundAt = now();
  const since = (mem.notFoundSince ??= now());
  const windowEnd = since + policy.failoverWindowSeconds * 1000;
  if (now() >= windowEnd) {
    const seconds = Math.round((now() - since) / 1000);
    // Gone, or a failover that lasts longer than the window: stop tells, and reconciles if it cannot (finish.ts).
    mem.exit = {
      reason:
        mem.exit?.reason ??
        `query: not found for ${seconds} s, beyond the ${policy.failoverWindowSeconds} s failover window`,
      evidence: 'notFound',
    };
    return;
  }
  recordError(mem, {
    type: WorkflowErrorType.notFound,
    message: 'query answered 404; inside the failover window, querying again',
  });
  mem.nextHealthCheckAt = Math.min(now() + FAILOVER_RECHECK_SECONDS * 1000, windowEnd);
}

/**
 * A query answered while an exit waits for confirmation. A running status (4 or 5) means the recorder_leave came from
 * the old recorder of a failover: the exit is dropped and recording goes on. Any other status (0-3: still starting)
 * decides nothing; after the failover window the exit is believed as not confirmed, and stop tells.
 */
function unconfirmedExit(mem: Memory, policy: ResolvedPolicy, running: string | undefined): void {
  const exit = mem.exit;
  if (!exit) return;
  if (running !== undefined) {
    log.warn('an exit notification that query does not confirm: the task is running (a failover?)', {
      reason: exit.reason,
    });
    recordError(mem, {
      type: WorkflowErrorType.notFound,
      message: `${exit.reason}, but query reports ${running}: recording goes on`,
    });
    mem.exit = undefined;
    mem.exitQueriedAt = undefined;
    return;
  }
  if (now() >= (mem.exitQueriedAt ?? now()) + policy.failoverWindowSeconds * 1000) exit.evidence = 'notFound';
  else mem.nextHealthCheckAt = now() + FAILOVER_RECHECK_SECONDS * 1000;
}

/**
 * Agora: a recorder whose status is not 4 or 5 about 90 s after start did not start
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices), seconds.
 */
export const START_GIVE_UP_SECONDS = 90;

/**
 * A query answered a status below 4 (still starting) before the recorder was ever seen running: ask again in {@link
 * FAILOVER_RECHECK_SECONDS}, and {@link START_GIVE_UP_SECONDS} after the start take it as a recorder that never came
 * up (a confirmed exit: stop tells the rest).
 */
function neverRunning(mem: Memory, status: number | undefined): void {
  if (status === undefined || status >= 4) return;
  if (now() - (mem.status.startedAt ?? now()) >= START_GIVE_UP_SECONDS * 1000) {
    mem.exit = {
      reason: `the recorder never came up: status ${status} ${START_GIVE_UP_SECONDS} s after start`,
      evidence: 'confirmed',
    };
  } else {
    mem.nextHealthCheckAt = now() + FAILOVER_RECHECK_SECONDS * 1000;
  }
}

/**
 * Query cadence while recording, ms: the policy's healthCheckIntervalSeconds (NCS first, the query is the fallback),
 * except where the worker said NCS is not configured and no notification of this sid has arrived: then Agora's
 * polling guidance, every {@link NCS_LESS_HEALTH_CHECK_SECONDS}
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
export function healthCheckCadenceMs(policy: ResolvedPolicy, mem: Memory): number {
  const interval = policy.healthCheckIntervalSeconds * 1000;
  if (mem.ncsConfigured !== false || mem.ncsSeen) return interval;
  return Math.min(interval, NCS_LESS_HEALTH_CHECK_SECONDS * 1000);
}
