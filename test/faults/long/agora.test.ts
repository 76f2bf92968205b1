/**
 * Agora misbehaving, the longer scenarios (test:faults only; the CI part is ../agora.test.ts): a 404 failover window
 * while recording, a 429 storm across a whole recording, a stop slower than the client timeout.
 */
import { scenario } from '../../support/faults/report';
import { keepErrorText, scanForSecrets } from '../../support/faults/secrets';
import {
  channel,
  countCalls,
  oneTaskEnded,
  resultWithin,
  useFaultStack,
  startRecording,
  waitFor,
  waitForState,
  type FaultStack,
} from '../../support/faults/stack';

jest.setTimeout(600_000);

let stack: FaultStack;

useFaultStack(__filename, (s) => void (stack = s));

const group = 'Agora faults';

scenario(
  group,
  '404 failover window while recording (45 s)',
  'query 404s inside failoverWindowSeconds are not death: the recording goes on, then completes; one task',
  240_000,
  async () => {
    const cname = channel('failover');
    const { workflowId } = await startRecording(stack, cname, {
      policy: { maxDurationSeconds: 3600, uploadTimeoutSeconds: 60, failoverWindowSeconds: 90 },
    });
    const { sid } = await waitForState(stack, workflowId, ['recording']);
    await stack.emu.failover(sid!, 45_000);
    const failoverEnds = Date.now() + 45_000;
    // A layout change meets the 404 and makes the workflow query: the query meets the 404 too.
    const layoutError = await stack.client
      .updateLayout(workflowId, { mixedVideoLayout: 2, maxResolutionUid: '1001' })
      .then(() => undefined)
      .catch((e: unknown) => e as Error);
    keepErrorText(layoutError ?? '');
    await waitFor(
      'a query answered 404',
      async () =>
        (await stack.emu.callsFor(cname)).some((c) => c.endpoint === 'query' && c.httpStatus === 404)
          ? true
          : undefined,
      60_000,
    );
    // Past the window (event 12 session_failover arrives then): still recording, not taken for dead.
    await new Promise((r) => setTimeout(r, Math.max(0, failoverEnds + 5_000 - Date.now())));
    expect((await stack.client.status(workflowId)).state).toBe('recording');
    await stack.client.stop(workflowId, 'done');
    const result = await resultWithin(stack, workflowId, 90_000);
    expect(result.ending).toBe('completed');
    const calls = countCalls(await stack.emu.callsFor(cname));
    return `layout during the window: ${layoutError ? 'refused (LayoutNotApplied)' : 'applied'}; ${calls.query} queries answered 404 inside the window; still recording after it; ended ${result.ending}; ${await oneTaskEnded(stack, cname)}`;
  },
);

scenario(
  group,
  '429 storm (60 % of calls for 30 s) during a whole recording with 3 layout changes',
  'every call eventually goes through: each layout applied; completes; one task',
  180_000,
  async () => {
    await stack.emu.addFault({ kind: 'rateLimit', endpoint: 'any', forMs: 30_000, probability: 0.6 });
    const cname = channel('storm429p');
    const { workflowId } = await startRecording(stack, cname);
    await waitForState(stack, workflowId, ['recording'], 120_000);
    for (const mixedVideoLayout of [0, 1, 0] as const) {
      const s = await stack.client.updateLayout(workflowId, { mixedVideoLayout });
      expect(s?.layout).toEqual({ mixedVideoLayout });
    }
    await stack.client.stop(workflowId, 'done');
    const result = await resultWithin(stack, workflowId, 120_000);
    expect(result.ending).toBe('completed');
    const calls = await stack.emu.callsFor(cname);
    const limited = calls.filter((c) => c.httpStatus === 429).length;
    const layouts = calls.filter((c) => c.endpoint === 'updateLayout');
    expect(layouts.filter((c) => c.httpStatus === 200)).toHaveLength(3);
    return `${limited} of ${calls.length} calls answered 429 (${layouts.length} updateLayout calls for 3 layouts, all applied); ended ${result.ending}; ${await oneTaskEnded(stack, cname)}`;
  },
);

scenario(
  group,
  '30-second stop (beyond the client timeout)',
  'the stop times out (25 s client timeout) and is retried; the task is ended once: completes; one task',
  240_000,
  async () => {
    const cname = channel('slower-stop');
    const { workflowId } = await startRecording(stack, cname);
    await waitForState(stack, workflowId, ['recording']);
    await stack.emu.addFault({ kind: 'latency', endpoint: 'stop', ms: 30_000, realTime: true, times: 1 });
    const t0 = Date.now();
    await stack.client.stop(workflowId, 'done', { wait: false });
    const result = await resultWithin(stack, workflowId, 180_000);
    const took = (Date.now() - t0) / 1000;
    expect(result.ending).toBe('completed');
    const calls = countCalls(await stack.emu.callsFor(cname));
    expect(calls.effectiveStops).toBe(1);
    return `result after ${took.toFixed(0)} s; ended ${result.ending} (${result.uploadingStatus}); ${await oneTaskEnded(stack, cname)}`;
  },
);

scenario('secrets', 'no secret in histories, logs or errors', 'none found', 60_000, async () => {
  const { findings, scanned } = await scanForSecrets(stack);
  expect(findings).toEqual([]);
  return `${scanned.histories} histories, ${Math.round(scanned.logBytes / 1024)} KiB of process output, ${scanned.errors} error texts: none found`;
});
