/**
 * NCS misbehaving (issue 8): notifications lost entirely (the query fallback still finishes the recording),
 * duplicated, reordered, or delayed past the recording's end. Real emulator deliveries, signed, through the real
 * receiver process to the real worker.
 */
import { signalsWorkflow } from '../../src/receiver/receiver';
import { notificationSignals } from '../support/faults/http';
import { scenario } from '../support/faults/report';
import { scanForSecrets } from '../support/faults/secrets';
import {
  channel,
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

const group = 'NCS faults';

type DeliveryStats = { accepted: number; signalled: number; sidHeld: number; deadLettered: number };
async function receiverStats(): Promise<DeliveryStats> {
  const res = await fetch(stack.receiverUrl.replace('/agora/ncs', '/healthz'));
  return ((await res.json()) as { delivery: DeliveryStats }).delivery;
}

async function noticesOf(sid: string) {
  return (await stack.emu.notifications()).filter((n) => n.payload.sid === sid);
}

scenario(
  group,
  'NCS lost entirely, stopped by the client',
  'start gives the sid, stop gives uploadingStatus: completes without a single notification',
  120_000,
  async () => {
    await stack.emu.addFault({ kind: 'ncsDrop' });
    const cname = channel('ncs-lost');
    const { workflowId } = await startRecording(stack, cname);
    const { sid } = await waitForState(stack, workflowId, ['recording']);
    await stack.client.stop(workflowId, 'done');
    const result = await resultWithin(stack, workflowId, 60_000);
    expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded' });
    const notices = await noticesOf(sid!);
    expect(notices.every((n) => n.fate === 'dropped')).toBe(true);
    expect(await notificationSignals(stack.client.client, workflowId)).toEqual([]);
    return `${notices.length} notices dropped, 0 signalled; ended ${result.ending} (${result.uploadingStatus}), ${result.fileList.length} files`;
  },
);

scenario(
  group,
  'NCS duplicated (every notice 3 times)',
  'the receiver acknowledges the copies and signals each notice once; completes',
  120_000,
  async () => {
    await stack.emu.addFault({ kind: 'ncsDuplicate', copies: 2 });
    const before = await receiverStats();
    const cname = channel('ncs-dup');
    const { workflowId } = await startRecording(stack, cname);
    const { sid } = await waitForState(stack, workflowId, ['recording']);
    await stack.client.stop(workflowId, 'done');
    const result = await resultWithin(stack, workflowId, 60_000);
    expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded' });
    const notices = await noticesOf(sid!);
    /** Notices the receiver forwards (it acknowledges the others without signalling). */
    const forwarded = notices.filter(signalsWorkflow).length;
    await waitFor('every copy delivered', async () => {
      const d = (await stack.emu.deliveries()).filter((x) => x.sid === sid && x.httpStatus === 200);
      return d.length >= notices.length * 3 ? d.length : undefined;
    });
    // Each notice accepted once (the copies are acknowledged as duplicates), then signalled, found moot (a
    // recorder_started once the workflow holds its sid) or, once the workflow closed, dead-lettered.
    const after = await waitFor('every notice accepted and settled', async () => {
      const s = await receiverStats();
      const total = (x: DeliveryStats) => x.signalled + x.sidHeld + x.deadLettered;
      const settled = total(s) - total(before);
      return s.accepted - before.accepted >= forwarded && settled >= forwarded ? s : undefined;
    });
    expect(after.accepted - before.accepted).toBe(forwarded);
    const signals = await notificationSignals(stack.client.client, workflowId);
    expect(new Set(signals.map((s) => s.noticeId)).size).toBe(signals.length);
    return `${notices.length} notices × 3 deliveries, all answered 200; of the ${forwarded} the workflow acts on, each accepted once (copies dropped as duplicates): ${signals.length} signalled, each noticeId once, ${after.sidHeld - before.sidHeld} recorder_started of a sid already held (acknowledged, not signalled), the rest dead-lettered after the close; ended ${result.ending}`;
  },
);

scenario(
  group,
  'NCS reordered (recorder_started, slice_start and uploaded each held back behind the next notice)',
  'completes with the upload status and the files',
  120_000,
  async () => {
    for (const eventType of [40, 42, 31]) await stack.emu.addFault({ kind: 'ncsReorder', eventType });
    const cname = channel('ncs-reorder');
    const { workflowId } = await startRecording(stack, cname);
    const { sid } = await waitForState(stack, workflowId, ['recording']);
    await stack.client.stop(workflowId, 'done');
    const result = await resultWithin(stack, workflowId, 60_000);
    expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded' });
    const order = await waitFor('the uploaded notice delivered', async () => {
      const d = (await stack.emu.deliveries()).filter((x) => x.sid === sid && x.attempt === 1);
      return d.some((x) => x.eventType === 31) ? d.map((x) => x.sequence) : undefined;
    });
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
    return `delivery order by sequence: ${order.join(',')}; ended ${result.ending} (${result.uploadingStatus}), ${result.fileList.length} files`;
  },
);

scenario(
  group,
  'NCS delayed past the recording’s end (30 s)',
  'completes on the API answers alone; the late notices are acknowledged and dead-lettered, nothing crashes',
  180_000,
  async () => {
    await stack.emu.addFault({ kind: 'ncsDelay', ms: 30_000 });
    const before = await receiverStats();
    const cname = channel('ncs-late');
    const { workflowId } = await startRecording(stack, cname);
    const { sid } = await waitForState(stack, workflowId, ['recording']);
    await stack.client.stop(workflowId, 'done');
    const result = await resultWithin(stack, workflowId, 60_000);
    const endedAt = Date.now();
    expect(result).toMatchObject({ ending: 'completed', uploadingStatus: 'uploaded' });
    const notices = await noticesOf(sid!);
    const delivered = await waitFor(
      'the late notices',
      async () => {
        const d = (await stack.emu.deliveries()).filter((x) => x.sid === sid && x.httpStatus === 200);
        return d.length >= notices.length ? d : undefined;
      },
      { timeoutMs: 90_000, everyMs: 1_000 },
    );
    const lateSeconds = (Date.now() - endedAt) / 1000;
    const after = await waitFor('the receiver to dead-letter them', async () => {
      const s = await receiverStats();
      return s.deadLettered - before.deadLettered >= notices.filter(signalsWorkflow).length ? s : undefined;
    });
    const again = await stack.client.result(workflowId);
    expect(again).toEqual(result);
    return `ended ${result.ending} before any notice; ${delivered.length} notices arrived up to ${lateSeconds.toFixed(0)} s later, answered 200, ${after.deadLettered - before.deadLettered} dead-lettered (workflow closed), the rest acknowledged without a signal (not needed by the workflow); result unchanged`;
  },
);

scenario('secrets', 'no secret in histories, logs or errors', 'none found', 60_000, async () => {
  const { findings, scanned } = await scanForSecrets(stack);
  expect(findings).toEqual([]);
  return `${scanned.histories} histories, ${Math.round(scanned.logBytes / 1024)} KiB of process output, ${scanned.errors} error texts: none found`;
});
