/**
 * recordingWorkflow: one Agora Cloud Recording, from acquire to the uploaded files (docs/architecture.md "The recording
 * workflow"; https://docs.agora.io/en/cloud-recording/rest-api/overview,
 * https://docs.agora.io/en/cloud-recording/rest-api/status-codes, https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 *
 * States: acquiring → starting → recording → stopping → uploading → completed; endings no_content, exited, failed,
 * cancelled. Each state change upserts the RecordingStatus search attribute (AgoraChannel at the start, AgoraSid with
 * the sid) and the current details. The phases live in their own files: start.ts (acquire and start within the
 * resourceId's life, sid recovery), session.ts (the recording loop: layout, subscription, health), finish.ts (stop and
 * upload), notifications.ts (NCS events).
 *
 * Cancellation is a stop: the lifecycle runs in a non-cancellable scope, a cancellation request sets a flag that the
 * main logic treats like a stop request, and the workflow stops Agora, waits for the upload and COMPLETES with
 * ending `cancelled` and the file list (it does not end in Temporal's Canceled status, so the caller still gets the
 * files). An activity in flight is never abandoned, so no task is left running because the workflow was cancelled.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  log,
  makeContinueAsNewFunc,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  type MixLayout,
  type StreamSubscribe,
  RecordingFailureType,
  agoraNotificationSignal,
  statusQuery,
  stopSignal,
  stopUpdate,
  updateLayoutSignal,
  updateLayoutUpdate,
  updateSubscriptionSignal,
  type RecordingCarryOver,
  type RecordingEnding,
  type RecordingInput,
  type RecordingResult,
} from '../contract';
import { stopAndCollect } from './finish';
import { receiveNotification } from './notifications';
import { recordUntilDone } from './session';
import { acquireAndStart, enterRecording } from './start';
import { buildResult, carryOver, createMemory, describe, isEnded, transition, type Memory } from './state';
import { assertValidInput, checkLayout, checkSubscription, resolvePolicy, type ResolvedPolicy } from './validate';
import { ECONOMY_PATCH, HEALTH_CHECK_EVERY_30_MIN } from './patches';

/**
 * Records one channel with one recorder uid until stopped, cancelled, timed out or ended by Agora.
 * @param input what to record and how (plain JSON, no secret); refused with a non-retryable `InvalidRecordingInput`
 *   ApplicationFailure naming the field when invalid.
 * @param carry internal: the state a previous run handed over when it continued as new.
 * @returns the typed result; Agora failures are a result with ending `failed`, not a failed workflow.
 */
export async function recordingWorkflow(input: RecordingInput, carry?: RecordingCarryOver): Promise<RecordingResult> {
  assertValidInput(input);
  const policy = resolvePolicy(input.policy);
  // patched: runs recorded before ECONOMY_PATCH (activities.ts) replay with regular calls and eager timers.
  const economy = patched(ECONOMY_PATCH);
  // patched: runs started before the default health-check cadence became 30 min checked every 20 min (1200 s); they
  // replay as they ran. A run with ECONOMY_PATCH is newer than both, so it needs no second marker (each costs 2
  // events).
  if (input.policy?.healthCheckIntervalSeconds === undefined && !economy && !patched(HEALTH_CHECK_EVERY_30_MIN)) {
    policy.healthCheckIntervalSeconds = 1_200;
  }
  // The memory exists before any handler is registered: signals and updates delivered with the first workflow task
  // run their handlers before this function reaches its first await, and must find the state (and buffer early NCS
  // notifications) rather than crash on it.
  const mem = createMemory(input, policy, economy, carry);

  // ---------------------------------------------------------------------------------------------------------------
  // Message handlers. They only record requests and facts in `mem`; the main logic acts on them one at a time.

  setHandler(statusQuery, () => mem.status);
  setHandler(agoraNotificationSignal, (notification) => {
    receiveNotification(mem, policy, notification);
  });
  setHandler(stopSignal, (reason) => {
    requestStop(mem, reason);
  });
  setHandler(updateLayoutSignal, (layout) => {
    const problem = input.mode === 'mix' ? checkLayout(layout) : { field: 'mode', message: 'is not mix' };
    if (problem) log.warn('ignoring updateLayout signal', { field: problem.field, problem: problem.message });
    else if (acceptsRequests(mem)) requestLayout(mem, layout);
  });
  setHandler(updateSubscriptionSignal, (subscription) => {
    const problem = input.mode !== 'web' ? checkSubscription(subscription) : { field: 'mode', message: 'is web' };
    if (problem) log.warn('ignoring updateSubscription signal', { field: problem.field, problem: problem.message });
    else if (acceptsRequests(mem)) requestSubscription(mem, subscription);
  });
  setHandler(
    updateLayoutUpdate,
    async (layout: MixLayout) => {
      const generation = requestLayout(mem, layout);
      // Handlers run in the root scope: without nonCancellable, cancelling the workflow (which only turns into a stop)
      // would fail a waiting update with CancelledFailure instead of its real outcome.
      await CancellationScope.nonCancellable(() =>
        condition(() => mem.layoutApplied >= generation || mem.status.state !== 'recording'),
      );
      if (mem.layoutApplied < generation) {
        throw ApplicationFailure.create({
          type: RecordingFailureType.recordingEnded,
          message: `the recording left the recording state (${mem.status.state}) before the layout was applied`,
        });
      }
      const refusal = mem.layoutRefusal;
      if (refusal?.generation === generation) {
        throw ApplicationFailure.create({
          type: RecordingFailureType.layoutNotApplied,
          message: `Agora did not apply the layout: ${refusal.type}: ${refusal.message}`,
        });
      }
      return mem.status;
    },
    {
      validator: (layout: MixLayout) => {
        validateLayoutUpdate(input, mem, layout);
      },
    },
  );
  setHandler(
    stopUpdate,
    async (reason: string | undefined) => {
      requestStop(mem, reason);
      await CancellationScope.nonCancellable(() => condition(() => mem.stopSettled));
      return mem.status;
    },
    {
      validator: (_reason: string | undefined) => {
        if (isEnded(mem.status.state)) {
          throw ApplicationFailure.create({
            type: RecordingFailureType.notRecording,
            message: `the recording already ended (${mem.status.state})`,
          });
        }
      },
    },
  );
  // Cancellation becomes a stop request (see the file comment).
  CancellationScope.current().cancelRequested.catch(() => {
    mem.cancelRequested = true;
  });

  // ---------------------------------------------------------------------------------------------------------------
  // Main logic.

  return CancellationScope.nonCancellable(async () => {
    const result = await lifecycle(input, policy, mem, carry);
    // Let update handlers answer before the run closes (they finish as soon as the state is final).
    await condition(allHandlersFinished);
    return result;
  });
}

/** acquire → start → record → stop → upload, or resume recording after continue-as-new. */
async function lifecycle(
  input: RecordingInput,
  policy: ResolvedPolicy,
  mem: Memory,
  carry: RecordingCarryOver | undefined,
): Promise<RecordingResult> {
  if (carry) {
    describe(mem);
  } else {
    transition(mem, 'acquiring', { channel: true });
    const started = await acquireAndStart(input, policy, mem);
    if (started.kind === 'ended') return end(mem, started.ending, started.reason);
    enterRecording(mem, policy, started);
  }
  const session = await recordUntilDone(input, policy, mem);
  if (session.kind === 'continueAsNew') {
    const continueAsNew = makeContinueAsNewFunc<typeof recordingWorkflow>({
      typedSearchAttributes: workflowInfo().typedSearchAttributes,
    });
    return continueAsNew(input, carryOver(mem));
  }
  const ending = await stopAndCollect(input, policy, mem, session);
  return end(mem, ending);
}

/** Enters the final state and builds the result. */
function end(mem: Memory, ending: RecordingEnding, reason?: string): RecordingResult {
  mem.status.reason ??= reason;
  mem.stopSettled = true;
  transition(mem, ending);
  return buildResult(mem, ending);
}

// -----------------------------------------------------------------------------------------------------------------
// Requests recorded by the handlers.

/** Layout and subscription requests are taken until the recording state ends (queued while acquiring/starting). */
function acceptsRequests(mem: Memory): boolean {
  const state = mem.status.state;
  return (state === 'acquiring' || state === 'starting' || state === 'recording') && mem.stopReason === undefined;
}

/**
 * Records a stop request. `reason` is whatever the sender sent: anything but a string (null from another SDK, a number,
 * an object) counts as no reason, and only its type is logged.
 */
function requestStop(mem: Memory, reason: unknown): void {
  if (reason !== undefined && reason !== null && typeof reason !== 'string') {
    log.warn('ignoring a stop reason that is not a string', { field: 'reason', type: typeof reason });
  }
  if (isEnded(mem.status.state)) return;
  mem.stopReason ??= typeof reason === 'string' ? reason : 'stop requested';
}

/** Records the newest layout (it replaces any pending one) and returns its generation. */
function requestLayout(mem: Memory, layout: MixLayout): number {
  const generation = (mem.layoutRequest?.generation ?? mem.layoutApplied) + 1;
  mem.layoutRequest = { value: layout, generation };
  mem.status.pendingLayout = layout;
  return generation;
}

function requestSubscription(mem: Memory, subscription: StreamSubscribe): void {
  const generation = (mem.subscriptionRequest?.generation ?? mem.subscriptionApplied) + 1;
  mem.subscriptionRequest = { value: subscription, generation };
  mem.status.pendingSubscription = subscription;
}

/** The updateLayout validator: mix only, while recording, a valid full layout. Rejects with a typed failure. */
function validateLayoutUpdate(input: RecordingInput, mem: Memory, layout: MixLayout): void {
  if (input.mode !== 'mix') {
    throw ApplicationFailure.create({
      type: RecordingFailureType.notMixMode,
      message: `updateLayout needs mix mode; this recording is ${input.mode} (updateLayout page)`,
    });
  }
  if (mem.status.state !== 'recording') {
    throw ApplicationFailure.create({
      type: RecordingFailureType.notRecording,
      message: `updateLayout needs the recording state; the recording is ${mem.status.state}`,
    });
  }
  const problem = checkLayout(layout);
  if (problem) {
    throw ApplicationFailure.create({
      type: RecordingFailureType.invalidLayout,
      message: `${problem.field}: ${problem.message}`,
    });
  }
}
