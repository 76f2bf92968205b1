/**
 * The bench's own workflows, the baselines the recording workflow is measured against (bundled by bench/echo-worker.ts).
 *
 * - `echoWorkflow`: the bare minimum a layout change needs — a signal handler that queues the request and a main loop
 *   that runs ONE activity per request (`echo`: a POST to the emulator, no Agora logic). Same shape as the recording
 *   workflow's layout path (signal → main loop → activity → HTTP to the emulator), without any of its logic.
 * - `noopWorkflow`: returns at once; the start-throughput baseline.
 */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

export interface EchoActivities {
  /** POSTs `{ seq }` to the emulator; resolves when it answered. */
  echo(seq: number): Promise<void>;
}

export const echoSignal = defineSignal<[number]>('echo');
export const echoDoneSignal = defineSignal('done');

const { echo } = proxyActivities<EchoActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

export async function echoWorkflow(): Promise<number> {
  const queue: number[] = [];
  let done = false;
  let handled = 0;
  setHandler(echoSignal, (seq) => void queue.push(seq));
  setHandler(echoDoneSignal, () => void (done = true));
  for (;;) {
    await condition(() => queue.length > 0 || done);
    const seq = queue.shift();
    if (seq === undefined) return handled;
    await echo(seq);
    handled++;
  }
}

export async function noopWorkflow(): Promise<void> {
  // nothing: the cost of a workflow start, one workflow task and completion
}
