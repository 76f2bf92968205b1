/**
 * The worker's workflow-task slots (a Temporal custom slot supplier): at most `total` workflow tasks at once, of which
 * at most `nonSticky` come from the shared task queue.
 *
 * Why two limits: a non-sticky task is, in normal operation, a recording's FIRST workflow task: creating the workflow
 * and running the local acquire, whose resourceId must then reach Agora's start quickly (§3.1: valid 5 minutes, Agora
 * recommends within 2 s). When many recordings start at once, unlimited first tasks interleave between every acquire
 * and its start (the activation after the acquire, the completion, the eager start), and the acquire → start gap
 * grows with the backlog. Capping them keeps the backlog in Temporal, before the acquire, while the tasks of running
 * recordings (start results, layout and stop signals, NCS) come from the sticky queue and keep the other slots.
 * Measured on 2 cores (issue 7, `npm run bench`): see README "Benchmarks".
 *
 * A non-sticky task is also one whose workflow is not in this worker's cache (evicted, another worker's, a query);
 * those share the same cap.
 */
import type {
  CustomSlotSupplier,
  SlotPermit,
  SlotReleaseContext,
  SlotReserveContext,
  WorkflowSlotInfo,
} from '@temporalio/worker';

interface Permit extends SlotPermit {
  readonly sticky: boolean;
}

interface Waiter {
  sticky: boolean;
  grant: (p: Permit) => void;
}

export class WorkflowTaskSlots implements CustomSlotSupplier<WorkflowSlotInfo> {
  readonly type = 'custom';
  private held = 0;
  private heldNonSticky = 0;
  private readonly waiters: Waiter[] = [];

  /**
   * @param total workflow tasks at once (≥ 2, the SDK's minimum with a workflow cache)
   * @param nonSticky of which from the shared task queue (1 ≤ nonSticky ≤ total)
   * @throws RangeError naming the bad argument
   */
  constructor(
    readonly total: number,
    readonly nonSticky: number,
  ) {
    if (!Number.isInteger(total) || total < 2) throw new RangeError(`total must be an integer ≥ 2, got ${total}`);
    if (!Number.isInteger(nonSticky) || nonSticky < 1 || nonSticky > total) {
      throw new RangeError(`nonSticky must be an integer from 1 to total (${total}), got ${nonSticky}`);
    }
  }

  /** Slots in use now: all, and those of non-sticky tasks (for tests and metrics). */
  get inUse(): { all: number; nonSticky: number } {
    return { all: this.held, nonSticky: this.heldNonSticky };
  }

  reserveSlot(ctx: SlotReserveContext, abortSignal: AbortSignal): Promise<SlotPermit> {
    const now = this.tryReserveSlot(ctx);
    if (now) return Promise.resolve(now);
    // The SDK expects the signal's own reason back (an AbortError), which it does not log.
    const aborted = () => abortSignal.reason as Error;
    return new Promise<SlotPermit>((resolve, reject) => {
      const waiter: Waiter = {
        sticky: ctx.isSticky,
        grant: (p) => {
          abortSignal.removeEventListener('abort', onAbort);
          resolve(p);
        },
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(aborted());
      };
      if (abortSignal.aborted) return reject(aborted());
      abortSignal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  tryReserveSlot(ctx: SlotReserveContext): SlotPermit | null {
    return this.fits(ctx.isSticky) ? this.take(ctx.isSticky) : null;
  }

  markSlotUsed(): void {
    // Nothing to do: the limits count reservations, which is when a slot stops being available.
  }

  releaseSlot(ctx: SlotReleaseContext<WorkflowSlotInfo>): void {
    const sticky = (ctx.permit as Partial<Permit>).sticky ?? true;
    this.held--;
    if (!sticky) this.heldNonSticky--;
    // First in, first served among those that fit now: a waiting non-sticky poll does not block a sticky one.
    for (let i = 0; i < this.waiters.length && this.held < this.total;) {
      const w = this.waiters[i]!;
      if (this.fits(w.sticky)) {
        this.waiters.splice(i, 1);
        w.grant(this.take(w.sticky));
      } else i++;
    }
  }

  private fits(sticky: boolean): boolean {
    return this.held < this.total && (sticky || this.heldNonSticky < this.nonSticky);
  }

  private take(sticky: boolean): Permit {
    this.held++;
    if (!sticky) this.heldNonSticky++;
    return { sticky };
  }
}
