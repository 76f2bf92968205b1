/**
 * Agora misbehaving (issue 8): a start accepted but its response dropped; 404 failover windows; 429 storms;
 * 20-second stops. Real processes; the faults are the emulator's (src/emulator/faults.ts), over its control API.
 * Each recording must end as it should, with exactly one Agora task and nothing left recording.
 */
import { scenario } from '../support/faults/report';
import { scanForSecrets } from '../support/faults/secrets';
import {
  channel,
  countCalls,
  oneTaskEnded,
  resultWithin,
  useFaultStack,
  startRecording,
  waitForState,
  type FaultStack,
} from '../support/faults/stack';

jest.setTimeout(600_000);

let stack: FaultStack;

useFaultStack(__filename, (s) => void (stack = s));

const group = 'Agora faults';

scenario(
  group,
  'a start accepted but its response dropped',
  'the retried start answers 201/7; the sid comes from NCS recorder_started; completes; one task',
  180_000,
  async () => {
    await stack.emu.addFault({ kind: 'drop', endpoint: 'start', times: 1 });
    const cname = channel('dropped-start');
    const { workflowId } = await startRecording(stack, cname);
    const status = await waitForState(stack, workflowId, ['recording'], 120_000);
    await stack.client.stop(workflowId, 'done');
    const result = await resultWithin(stack, workflowId, 90_000);
    expect(result.ending).toBe('completed');
    expect(result.sid).toBe(status.sid);
    const calls = countCalls(await stack.emu.callsFor(cname));
    expect(calls.answers.slice(0, 2)).toEqual(['start no answer (drop)', 'start 201/7']);
    return `completed (${result.uploadingStatus}), sid recovered; ${await oneTaskEnded(stack, cname)}`;
  },
);

scenario(
  group,
  'a start carried out but answered 500 on every attempt; the next resourceId meets our task (code 53)',
  'the sid comes from recorder_started and the stop goes to the resourceId that started the task; completes; one task',
  180_000,
  async () => {
    // On resourceId A: the start is carried out but answered 500, and so are its 3 retries (3, 6, 9 s apart); the
    // workflow acquires B, whose start answers 400/53: the task on A is ours. Its recorder_started comes 30 s late,
    // after that 53.
    await stack.emu.addFault({ kind: 'error', endpoint: 'start', httpStatus: 500, commit: true, times: 1 });
    await stack.emu.addFault({ kind: 'error', endpoint: 'start', httpStatus: 500, times: 3 });
    await stack.emu.addFault({ kind: 'ncsDelay', eventType: 40, ms: 30_000, times: 1 });
    const cname = channel('start-took-500');
    const { workflowId } = await startRecording(stack, cname);
    const status = await waitForState(stack, workflowId, ['recording'], 120_000);
    await stack.client.stop(workflowId, 'done');
    const result = await resultWithin(stack, workflowId, 90_000);
    const all = await stack.emu.callsFor(cname);
    const calls = countCalls(all);
    expect(calls.acquire).toBe(2);
    expect(calls.answers).toContain('start 400/53');
    expect(result.ending).toBe('completed');
    expect(result.sid).toBe(status.sid);
    // The one task (started by the first call, whose answer was a 500) is stopped with its own resourceId.
    const tasks = await stack.emu.tasksFor(cname);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.phase).toBe('exited');
    expect(calls.answers[calls.answers.length - 1]).toBe('stop 200');
    return `completed (${result.uploadingStatus}); calls: ${calls.answers.join(', ')}; 1 task, exited`;
  },
);

scenario(
  group,
  'stop during a 404 failover window (30 s)',
  'a stop answered 404 inside the window is not taken as "gone": the task is stopped once it is back; nothing left recording',
  240_000,
  async () => {
    const cname = channel('failover-stop');
    const { workflowId } = await startRecording(stack, cname, {
      policy: { maxDurationSeconds: 3600, uploadTimeoutSeconds: 60, failoverWindowSeconds: 90 },
    });
    const { sid } = await waitForState(stack, workflowId, ['recording']);
    await stack.emu.failover(sid!, 30_000);
    const failoverEnds = Date.now() + 30_000;
    await stack.client.stop(workflowId, 'stop during failover', { wait: false });
    const result = await resultWithin(stack, workflowId, 180_000);
    // A task left behind shows once the window is over: it goes on recording.
    await new Promise((r) => setTimeout(r, Math.max(0, failoverEnds + 5_000 - Date.now())));
    const tasks = await stack.emu.tasksFor(cname);
    const calls = countCalls(await stack.emu.callsFor(cname));
    expect(tasks.filter((t) => t.phase === 'recording')).toEqual([]);
    expect(result.ending).toBe('completed');
    return `ended ${result.ending}; task ${tasks[0]!.phase}; calls: ${calls.answers.join(', ')}`;
  },
);

scenario(
  group,
  '429 storm (every call for 20 s)',
  'activities back off and retry; the recording starts after the storm and completes; one task',
  180_000,
  async () => {
    await stack.emu.addFault({ kind: 'rateLimit', endpoint: 'any', forMs: 20_000 });
    const t0 = Date.now();
    const cname = channel('storm429');
    const { workflowId } = await startRecording(stack, cname);
    await waitForState(stack, workflowId, ['recording'], 120_000);
    const startedAfter = (Date.now() - t0) / 1000;
    await stack.client.stop(workflowId, 'done');
    const result = await resultWithin(stack, workflowId, 90_000);
    expect(result.ending).toBe('completed');
    const all = await stack.emu.callsFor(cname);
    const limited = all.filter((c) => c.httpStatus === 429).length;
    expect(limited).toBeGreaterThan(0);
    return `${limited} calls answered 429; recording after ${startedAfter.toFixed(0)} s; ended ${result.ending}; ${await oneTaskEnded(stack, cname)}`;
  },
);

scenario(
  group,
  '20-second stop',
  'one stop call, answered after 20 s (inside the client timeout): completes; one task',
  180_000,
  async () => {
    const cname = channel('slow-stop');
    const { workflowId } = await startRecording(stack, cname);
    await waitForState(stack, workflowId, ['recording']);
    await stack.emu.addFault({ kind: 'latency', endpoint: 'stop', ms: 20_000, realTime: true, times: 1 });
    const t0 = Date.now();
    await stack.client.stop(workflowId, 'done');
    const stopTook = (Date.now() - t0) / 1000;
    const result = await resultWithin(stack, workflowId, 90_000);
    expect(result.ending).toBe('completed');
    expect(stopTook).toBeGreaterThanOrEqual(19);
    const calls = countCalls(await stack.emu.callsFor(cname));
    expect(calls.stop).toBe(1);
    return `stop update returned after ${stopTook.toFixed(1)} s; ended ${result.ending}; ${await oneTaskEnded(stack, cname)}`;
  },
);

scenario('secrets', 'no secret in histories, logs or errors', 'none found', 60_000, async () => {
  const { findings, scanned } = await scanForSecrets(stack);
  expect(findings).toEqual([]);
  return `${scanned.histories} histories, ${Math.round(scanned.logBytes / 1024)} KiB of process output, ${scanned.errors} error texts: none found`;
});
