/**
 * The worker's workflow-task slots (a Temporal custom slot supplier): at most `total` workflow tasks at once, of which
 * at most `nonSticky` come from the shared task queue.
 *
 * Why two limits: a non-sticky task is, in normal operation, a recording's FIRST workflow task: creating the workflow
 * and running the local acquire, whose resourceId must then reach Agora's start quickly
 * (https://docs.agora.io/en/cloud-recording/rest-api/acquire: valid 5 minutes, Agora recommends within 2 s). When many
 * recordings start at once, unlimited first tasks interleave between every acquire and its start (the activation after
 * the acquire, the completion, the eager start), and the acquire → start gap grows with the backlog. Capping them keeps
 * the backlog in Temporal, before the acquire, while the tasks of running recordings (start results, layout and stop
 * signals, NCS) come from the sticky queue and keep the other slots. Measured on 2 cores (issue 7, `npm run bench`):
 * see bench/README.md.
 *
 * A non-sticky task is also one whose workflow is not in this worker's cache (evicted, another worker's, a query, every
 * running recording's next task after a worker restart, a sticky task the server moved back after 10 s): those share
 * the cap with new recordings. nonSticky < total, so at least one slot always serves the sticky queue.
 *
 * The limits count RESERVATIONS: the SDK reserves a slot before each poll and holds it through the long poll, so idle
 * pollers (the SDK's default, 10 with a tuner: 8 sticky, 2 non-sticky) hold slots too. Half as many pollers was tried
 * (two bench runs: start rate and gap within the noise) and not kept.
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
   * @param nonSticky of which from the shared task queue (1 ≤ nonSticky < total: a slot always stays for sticky tasks)
   * @throws RangeError naming the bad argument
   */
  constructor(
    readonly total: number,
    readonly nonSticky: number,
  ) {
    if (!Number.isInteger(total) || total < 2) throw new RangeError(`total must be an integer ≥ 2, got ${total}`);
    if (!Number.isInteger(nonSticky) || nonSticky < 1 || nonSticky >= total) {
      throw new RangeError(`nonSticky must be an integer from 1 to total − 1 (${total - 1}), got ${nonSticky}`);
    }
  }

  /** Slots in use now: all, and those of non-sticky tasks (for tests and metrics). */
  get inUse(): { all: number; nonSticky: number } {
    return { all: this.held, nonSticky: this.heldNonSticky };
  }

  /**
   * Abort: the SDK (core) aborts the signal when it drops the reservation, i.e. stops awaiting it (worker shutdown).
   * A permit issued before or while that happens never reaches the SDK, so it is never released: it is taken back here.
   * The rejection carries the signal's own reason (the bridge's string), which the SDK does not log.
   */
  reserveSlot(ctx: SlotReserveContext, abortSignal: AbortSignal): Promise<SlotPermit> {
    if (abortSignal.aborted) return Promise.reject(abortSignal.reason as Error);
    return new Promise<SlotPermit>((resolve, reject) => {
      let granted: Permit | undefined;
      const waiter: Waiter = {
        sticky: ctx.isSticky,
        grant: (p) => {
          granted = p;
          resolve(p);
        },
      };
      const onAbort = () => {
        if (granted) {
          // Resolved, but the SDK stopped awaiting it (it disarms the signal once it has the permit): it never got it.
          this.give(granted);
          return;
        }
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(abortSignal.reason as Error);
      };
      abortSignal.addEventListener('abort', onAbort, { once: true });
      if (this.fits(ctx.isSticky)) waiter.grant(this.take(ctx.isSticky));
      else this.waiters.push(waiter);
    });
  }

  tryReserveSlot(ctx: SlotReserveContext): SlotPermit | null {
    return this.fits(ctx.isSticky) ? this.take(ctx.isSticky) : null;
  }

  markSlotUsed(): void {
    // Nothing to do: the limits count reservations, which is when a slot stops being available.
  }

  releaseSlot(ctx: SlotReleaseContext<WorkflowSlotInfo>): void {
    // The bridge hands back the very object reserveSlot/tryReserveSlot returned (a rooted JS object).
    this.give({ sticky: (ctx.permit as Partial<Permit>).sticky ?? true });
  }

  /** Returns a permit's slot and hands it to the waiters that fit. */
  private give({ sticky }: Permit): void {
    this.held--;
    if (!sticky) this.heldNonSticky--;
    // First in, first served among those that fit now: a waiting non-sticky poll does not block a sticky one.
    for (let i = 0, w = this.waiters[0]; w !== undefined && this.held < this.total; w = this.waiters[i]) {
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
