/**
 * Concurrency under an Agora outage (issue 8): 20 recordings at once while the emulator fails 30 % of all calls with
 * 500 (not applied) or 206/65 (applied, answer lost: "reached the backend, response timed out",
 * https://docs.agora.io/en/cloud-recording/rest-api/status-codes) for 2 minutes of real time (no time scaling: the
 * workflows' retries run on real time too). The recordings start, record and are stopped inside the window. All
 * complete; no duplicate task; nothing left recording in the emulator.
 */
import { scenario } from '../../support/faults/report';
import { scanForSecrets } from '../../support/faults/secrets';
import {
  channel,
  countCalls,
  resultWithin,
  useFaultStack,
  startRecording,
  waitForState,
  type FaultStack,
} from '../../support/faults/stack';

jest.setTimeout(900_000);

const RECORDINGS = 20;
const WINDOW_MS = 120_000;
/** 0.15 + 0.85 × 0.1765 ≈ 0.30 of the calls get one of the two faults (the rules are drawn in order). */
const P_500 = 0.15;
const P_65 = 0.1765;

let stack: FaultStack;

useFaultStack(__filename, (s) => void (stack = s));

scenario(
  'Agora outage',
  `${RECORDINGS} concurrent recordings, 30 % of calls failing (500 or 206/65) for ${WINDOW_MS / 1000} s`,
  'all complete; one task per recording; nothing left recording',
  600_000,
  async () => {
    const t0 = Date.now();
    await stack.emu.clearCalls();
    await stack.emu.addFault({
      kind: 'error',
      httpStatus: 500,
      code: 500,
      reason: 'internal_error',
      probability: P_500,
      forMs: WINDOW_MS,
    });
    await stack.emu.addFault({ kind: 'code65', commit: true, probability: P_65, forMs: WINDOW_MS });
    const cnames = Array.from({ length: RECORDINGS }, (_, i) => channel(`storm${i}`));
    const started = await Promise.all(cnames.map((c) => startRecording(stack, c)));
    // Recording, under the faults; then stopped, still under the faults.
    await Promise.all(started.map((s) => waitForState(stack, s.workflowId, ['recording'], 180_000)));
    const allRecordingAfter = (Date.now() - t0) / 1000;
    const stopAt = t0 + WINDOW_MS * 0.6;
    await new Promise((r) => setTimeout(r, Math.max(0, stopAt - Date.now())));
    await Promise.all(started.map((s) => stack.client.stop(s.workflowId, 'storm test', { wait: false })));
    const results = await Promise.all(started.map((s) => resultWithin(stack, s.workflowId, 400_000)));
    const allDoneAfter = (Date.now() - t0) / 1000;

    const endings = new Map<string, number>();
    for (const r of results) endings.set(r.ending, (endings.get(r.ending) ?? 0) + 1);
    expect(results.map((r) => r.ending)).toEqual(cnames.map(() => 'completed'));

    const tasks = await stack.emu.tasks();
    const perChannel = cnames.map((c) => tasks.filter((t) => t.cname === c).length);
    expect(perChannel).toEqual(cnames.map(() => 1));
    expect(tasks.filter((t) => t.phase === 'recording')).toEqual([]);

    const calls = await stack.emu.calls();
    const inWindow = calls.filter((c) => c.at < t0 + WINDOW_MS && c.endpoint);
    const failed = inWindow.filter((c) => c.fault === 'error' || c.fault === 'code65');
    const limited = inWindow.filter((c) => c.httpStatus === 429).length;
    const counts = countCalls(calls);
    const retriedStarts = counts.answers.filter((a) => a.startsWith('start 201/7')).length;
    const rate = Math.round((failed.length / inWindow.length) * 100);
    expect(rate).toBeGreaterThanOrEqual(20);
    return (
      `${RECORDINGS}/${RECORDINGS} completed (all recording after ${allRecordingAfter.toFixed(0)} s, all done after ${allDoneAfter.toFixed(0)} s); ` +
      `${failed.length} of ${inWindow.length} calls in the window failed (${rate} %: ${failed.filter((c) => c.fault === 'error').length}×500, ${failed.filter((c) => c.fault === 'code65').length}×206/65 applied), plus ${limited}×429 from the emulator's 10 QPS limit; ` +
      `${counts.acquire} acquires, ${counts.start} starts (${retriedStarts} answered 201/7), ${counts.stop} stops; 1 task per recording; 0 left recording`
    );
  },
);

scenario('secrets', 'no secret in histories, logs or errors', 'none found', 120_000, async () => {
  const { findings, scanned } = await scanForSecrets(stack);
  expect(findings).toEqual([]);
  return `${scanned.histories} histories, ${Math.round(scanned.logBytes / 1024)} KiB of process output, ${scanned.errors} error texts: none found`;
});
