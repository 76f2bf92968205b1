/**
 * NCS lost entirely while Agora ends the recording by itself (test:faults only; the CI part is ../ncs.test.ts): the
 * sparse query fallback (healthCheckIntervalSeconds 60) finds the task answering 404, and without a confirmation the
 * workflow reconciles instead of closing.
 */
import { notificationSignals } from '../../support/faults/http';
import { scenario } from '../../support/faults/report';
import { scanForSecrets } from '../../support/faults/secrets';
import {
  channel,
  countCalls,
  useFaultStack,
  startRecording,
  waitFor,
  waitForState,
  type FaultStack,
} from '../../support/faults/stack';

jest.setTimeout(600_000);

let stack: FaultStack;

useFaultStack(__filename, (s) => void (stack = s));

const group = 'NCS faults';

async function noticesOf(sid: string) {
  return (await stack.emu.notifications()).filter((n) => n.payload.sid === sid);
}

scenario(
  group,
  'NCS lost entirely, Agora ends the recording (idle exit)',
  'the query fallback finds the task gone (404s) but nothing confirms it: the workflow reconciles (RecordingStatus reconciling, TaskMayStillRun), stopping again, instead of closing on a 404',
  240_000,
  async () => {
    await stack.emu.addFault({ kind: 'ncsDrop' });
    const cname = channel('ncs-lost-idle');
    const { workflowId } = await startRecording(stack, cname, {
      recordingConfig: {
        channelType: 0,
        maxIdleTime: 5,
        transcodingConfig: { width: 640, height: 360, fps: 15, bitrate: 500, mixedVideoLayout: 1 },
      },
      policy: {
        maxDurationSeconds: 3600,
        uploadTimeoutSeconds: 30,
        healthCheckIntervalSeconds: 60,
        failoverWindowSeconds: 20,
      },
    });
    const { sid } = await waitForState(stack, workflowId, ['recording']);
    await new Promise((r) => setTimeout(r, 2_000));
    const t0 = Date.now();
    await stack.emu.leave(cname, '1001');
    await waitFor(
      'the idle exit',
      async () => ((await stack.emu.tasksFor(cname))[0]?.phase === 'exited' ? true : undefined),
      30_000,
    );
    // A 404 is "gone, or failing over" (issue 17): without session_exit nothing confirms the exit, so the workflow
    // keeps stopping with backoff until the resourceId expires (docs/architecture.md, reconciling).
    const status = await waitForState(stack, workflowId, ['reconciling'], 180_000);
    const took = (Date.now() - t0) / 1000;
    expect(status.lastError?.type).toBe('TaskMayStillRun');
    expect(await notificationSignals(stack.client.client, workflowId)).toEqual([]);
    const calls = countCalls(await stack.emu.callsFor(cname));
    expect(calls.query).toBeGreaterThan(0);
    expect(calls.stop).toBeGreaterThan(0);
    await stack.client.client.workflow.getHandle(workflowId).terminate('fault test over: the task is known gone');
    const notices = await noticesOf(sid!);
    return `${notices.length} notices dropped; reconciling ${took.toFixed(0)} s after the channel emptied; ${calls.query} queries, ${calls.stop} stops; ${calls.answers.join(', ')}; terminated`;
  },
);

scenario('secrets', 'no secret in histories, logs or errors', 'none found', 60_000, async () => {
  const { findings, scanned } = await scanForSecrets(stack);
  expect(findings).toEqual([]);
  return `${scanned.histories} histories, ${Math.round(scanned.logBytes / 1024)} KiB of process output, ${scanned.errors} error texts: none found`;
});
