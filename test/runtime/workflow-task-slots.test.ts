import type { SlotPermit, SlotReserveContext } from '@temporalio/worker';
import { WorkflowTaskSlots } from '../../src/runtime/workflow-task-slots';

const ctx = (isSticky: boolean): SlotReserveContext => ({
  slotType: 'workflow',
  taskQueue: 'q',
  workerIdentity: 'w',
  workerBuildId: '',
  isSticky,
});
const release = (s: WorkflowTaskSlots, permit: SlotPermit) => {
  s.releaseSlot({ permit });
};
/** Whether the promise has settled after pending microtasks ran. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('WorkflowTaskSlots: workflow-task slots with a cap on non-sticky tasks', () => {
  it('refuses limits the SDK cannot use, naming the argument', () => {
    expect(() => new WorkflowTaskSlots(1, 1)).toThrow(/total must be an integer ≥ 2, got 1/);
    expect(() => new WorkflowTaskSlots(4, 0)).toThrow(/nonSticky must be an integer from 1 to total − 1 \(3\), got 0/);
    expect(() => new WorkflowTaskSlots(4, 4)).toThrow(/nonSticky .* got 4/);
  });

  it('gives at most `nonSticky` slots to non-sticky polls and the rest to sticky ones', () => {
    const s = new WorkflowTaskSlots(3, 1);
    expect(s.tryReserveSlot(ctx(false))).not.toBeNull();
    expect(s.tryReserveSlot(ctx(false))).toBeNull(); // the non-sticky cap
    expect(s.tryReserveSlot(ctx(true))).not.toBeNull();
    expect(s.tryReserveSlot(ctx(true))).not.toBeNull();
    expect(s.tryReserveSlot(ctx(true))).toBeNull(); // the total
    expect(s.inUse).toEqual({ all: 3, nonSticky: 1 });
  });

  it('a released slot goes to the first waiter that fits: a waiting non-sticky poll does not block a sticky one', async () => {
    const s = new WorkflowTaskSlots(2, 1);
    const nonSticky = s.tryReserveSlot(ctx(false))!;
    const sticky = s.tryReserveSlot(ctx(true))!;
    const never = new AbortController().signal;
    const waitingNonSticky = s.reserveSlot(ctx(false), never);
    const waitingSticky = s.reserveSlot(ctx(true), never);
    expect(await settled(waitingNonSticky)).toBe(false);

    release(s, sticky); // frees a slot, but the non-sticky cap is still taken: the sticky waiter gets it
    expect(await settled(waitingSticky)).toBe(true);
    expect(await settled(waitingNonSticky)).toBe(false);
    expect(s.inUse).toEqual({ all: 2, nonSticky: 1 });

    release(s, nonSticky); // now the non-sticky waiter fits
    expect(await settled(waitingNonSticky)).toBe(true);
    expect(s.inUse).toEqual({ all: 2, nonSticky: 1 });
    release(s, await waitingNonSticky);
    release(s, await waitingSticky);
    expect(s.inUse).toEqual({ all: 0, nonSticky: 0 });
  });

  it('an aborted reservation rejects with the signal reason and holds no slot', async () => {
    const s = new WorkflowTaskSlots(2, 1);
    const a = s.tryReserveSlot(ctx(true))!;
    s.tryReserveSlot(ctx(true));
    const abort = new AbortController();
    const waiting = s.reserveSlot(ctx(false), abort.signal);
    const reason = new Error('poller gone');
    abort.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    release(s, a);
    expect(s.inUse).toEqual({ all: 1, nonSticky: 0 }); // the freed slot was not handed to the aborted waiter
    const already = new AbortController();
    already.abort(reason);
    s.tryReserveSlot(ctx(true));
    await expect(s.reserveSlot(ctx(true), already.signal)).rejects.toBe(reason);
  });

  it('issues nothing on a signal aborted before the call, even with free slots', async () => {
    const s = new WorkflowTaskSlots(2, 1);
    const aborted = new AbortController();
    aborted.abort('Request Cancelled'); // the bridge's reason: a string
    await expect(s.reserveSlot(ctx(false), aborted.signal)).rejects.toBe('Request Cancelled');
    expect(s.inUse).toEqual({ all: 0, nonSticky: 0 });
  });

  it('takes back a permit whose reservation is aborted after it was granted (the SDK dropped it unreceived)', async () => {
    const s = new WorkflowTaskSlots(2, 1);
    const now = new AbortController();
    const immediate = s.reserveSlot(ctx(false), now.signal);
    expect(await settled(immediate)).toBe(true);
    const held = s.tryReserveSlot(ctx(true))!;
    const later = new AbortController();
    const waiting = s.reserveSlot(ctx(true), later.signal);
    release(s, held);
    expect(await settled(waiting)).toBe(true);
    expect(s.inUse).toEqual({ all: 2, nonSticky: 1 });

    later.abort('Request Cancelled');
    expect(s.inUse).toEqual({ all: 1, nonSticky: 1 });
    now.abort('Request Cancelled');
    expect(s.inUse).toEqual({ all: 0, nonSticky: 0 });
  });
});
