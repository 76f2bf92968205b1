/**
 * Worker crashes (issue 8, in CI): the worker process is killed with SIGKILL in each state of a recording — acquiring,
 * starting, recording, stopping, uploading — and a new worker process is started. The recording completes, and the
 * emulator shows exactly one task, exactly one start answered 200 and exactly one stop that ended it (a call in flight
 * when the worker died is retried and answered 201/7 or 400/49, which changes nothing: see docs/reliability.md).
 *
 * Emulator faults hold each state long enough to kill in it: real-time latency on acquire, start and stop; for
 * uploading, a `backuped` upload whose `uploaded` comes 20 s later and a session_exit delayed past it.
 */
import type { RecordingState } from '../../src/contract';
import type { FaultRule } from '../../src/emulator/faults';
import { scenario } from '../support/faults/report';
import { scanForSecrets } from '../support/faults/secrets';
import {
  channel,
  countCalls,
  resultWithin,
  useFaultStack,
  startRecording,
  waitFor,
  waitForState,
  type FaultStack,
} from '../support/faults/stack';

jest.setTimeout(600_000);

let stack: FaultStack;

useFaultStack(__filename, (s) => void (stack = s));

interface Crash {
  state: RecordingState;
  /** Faults that hold the state. */
  faults: FaultRule[];
  /** The Agora call that must have arrived before the kill (the one in flight), if any. */
  inFlight?: 'acquire' | 'start' | 'stop';
}

const HOLD_MS = 8_000; // < the activities' startToCloseTimeout, so a live worker would not time out

const crashes: Crash[] = [
  {
    state: 'acquiring',
    faults: [{ kind: 'latency', endpoint: 'acquire', ms: HOLD_MS, realTime: true, times: 1 }],
    inFlight: 'acquire',
  },
  {
    state: 'starting',
    faults: [{ kind: 'latency', endpoint: 'start', ms: HOLD_MS, realTime: true, times: 1 }],
    inFlight: 'start',
  },
  { state: 'recording', faults: [] },
  {
    state: 'stopping',
    faults: [{ kind: 'latency', endpoint: 'stop', ms: HOLD_MS, realTime: true, times: 1 }],
    inFlight: 'stop',
  },
  {
    state: 'uploading',
    faults: [
      { kind: 'upload', outcome: 'backuped', forwardAfterMs: 20_000, times: 1 },
      { kind: 'ncsDelay', eventType: 11, ms: 30_000, times: 1 },
    ],
  },
];

for (const crash of crashes) {
  scenario(
    'worker SIGKILL',
    `in ${crash.state}`,
    'completes; one task, one start (200), one stop that ended it',
    300_000,
    async () => {
      for (const f of crash.faults) await stack.emu.addFault(f);
      const cname = channel(`kill-${crash.state}`);
      const { workflowId } = await startRecording(stack, cname);
      const stopEarly = ['stopping', 'uploading'].includes(crash.state);
      if (stopEarly) {
        await waitForState(stack, workflowId, ['recording']);
        await stack.client.stop(workflowId, 'stop before the crash', { wait: false });
      }
      await waitForState(stack, workflowId, [crash.state], 60_000);
      if (crash.inFlight) {
        await waitFor(`the ${crash.inFlight} call to arrive`, async () =>
          (await stack.emu.callsFor(cname)).some((c) => c.endpoint === crash.inFlight) ? true : undefined,
        );
      }
      const killedAt = Date.now();
      await stack.restartWorker('SIGKILL');
      const restartedIn = (Date.now() - killedAt) / 1000;
      if (!stopEarly) {
        await waitForState(stack, workflowId, ['recording'], 120_000);
        await stack.client.stop(workflowId, 'stop after the crash');
      }
      const result = await resultWithin(stack, workflowId, 180_000);
      const took = (Date.now() - killedAt) / 1000;
      const calls = countCalls(await stack.emu.callsFor(cname));
      const tasks = await stack.emu.tasksFor(cname);

      expect(result.ending).toBe('completed');
      expect(result.uploadingStatus).toBe('uploaded');
      expect(tasks).toHaveLength(1);
      expect(tasks[0]!.phase).toBe('exited');
      expect(calls.effectiveStarts).toBe(1);
      expect(calls.effectiveStops).toBe(1);
      // Any other start/stop is the retry of the call that was in flight, answered as already done.
      for (const a of calls.answers) expect(a).toMatch(/^(start 200|start 201\/7|stop 200|stop 400\/49)/);
      if (!crash.inFlight || crash.inFlight === 'acquire') {
        expect(calls.start).toBe(1);
        expect(calls.stop).toBe(1);
      }
      return (
        `completed, ${result.uploadingStatus}; worker back in ${restartedIn.toFixed(1)} s, result ${took.toFixed(0)} s after the kill; ` +
        `1 task; calls: ${calls.acquire} acquire, ${calls.answers.join(', ')}`
      );
    },
  );
}

scenario('secrets', 'no secret in histories, logs or errors', 'none found', 60_000, async () => {
  const { findings, scanned } = await scanForSecrets(stack);
  expect(findings).toEqual([]);
  return `${scanned.histories} histories, ${Math.round(scanned.logBytes / 1024)} KiB of process output, ${scanned.errors} error texts: none found`;
});
