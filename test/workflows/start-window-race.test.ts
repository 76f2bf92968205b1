/**
 * The start window's timer and the start's answer landing in the same workflow task, the timer first (Agora reference
 * §3.1, §7): the start took and its sid is in hand, so the workflow records with it instead of re-acquiring (which
 * would meet code 53 and leave the task to recorder_started, or to nobody if that notification is lost).
 *
 * Made deterministic with two workers on one task queue: an activity worker that stays up, and a workflow worker (which
 * also runs the local activities, acquire among them) that is down while the timer fires and the start answers, so
 * both events reach the next workflow task together.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { stopSignal } from '../../src/workflows/definitions';
import { recordingWorkflow } from '../../src/workflows';
import {
  eventNames,
  gate,
  mixInput,
  setupEnvironment,
  stubActivities,
  uniqueTaskQueue,
  waitForCalls,
  waitForState,
} from './helpers';

let ctx: { env: TestWorkflowEnvironment; bundle: WorkflowBundleWithSourceMap };
beforeAll(async () => void (ctx = await setupEnvironment()));
afterAll(async () => ctx?.env.teardown());

test('the window timer fires in the same workflow task as a successful start answer: the sid is used', async () => {
  const answered = gate({ alreadyStarted: false as const, sid: 'sid-first' });
  const activities = stubActivities({
    start: (n) => (n === 1 ? answered.answer() : { alreadyStarted: false, sid: `sid-${n}` }),
  });
  const taskQueue = uniqueTaskQueue('race');
  const activityWorker = await Worker.create({ connection: ctx.env.nativeConnection, taskQueue, activities });
  const workflowWorker = () =>
    Worker.create({
      connection: ctx.env.nativeConnection,
      taskQueue,
      workflowBundle: ctx.bundle,
      activities,
      enableNonLocalActivities: false,
      maxCachedWorkflows: 0,
    });
  const result = await activityWorker.runUntil(async () => {
    const handle = await ctx.env.client.workflow.start(recordingWorkflow, {
      taskQueue,
      workflowId: `recording/test-app/race/${uniqueTaskQueue('t')}`,
      args: [mixInput({ policy: { startWindowSeconds: 2 } })],
    });
    // Run the workflow until the start is in flight, then take the workflow worker down.
    await (
      await workflowWorker()
    ).runUntil(async () => {
      await waitForState(handle, 'starting');
      await waitForCalls(activities.start, 1);
    });
    // The window closes (TIMER_FIRED), then the start answers (ACTIVITY_TASK_COMPLETED), with no workflow task between.
    await ctx.env.sleep('3 seconds');
    answered.open();
    const until = Date.now() + 20_000;
    const completions = async () => (await eventNames(handle)).filter((e) => e === 'ACTIVITY_TASK_COMPLETED').length;
    while ((await completions()) < 1) {
      if (Date.now() > until) throw new Error('the start never completed');
      await new Promise((r) => setTimeout(r, 50));
    }
    const names = await eventNames(handle);
    expect(names.indexOf('TIMER_FIRED')).toBeGreaterThan(-1);
    expect(names.indexOf('TIMER_FIRED')).toBeLessThan(names.lastIndexOf('ACTIVITY_TASK_COMPLETED'));
    // No workflow task ran between them: they reach the workflow together.
    expect(names.slice(names.indexOf('TIMER_FIRED'))).not.toContain('WORKFLOW_TASK_COMPLETED');

    return (await workflowWorker()).runUntil(async () => {
      const recording = await waitForState(handle, 'recording');
      expect(recording).toMatchObject({ sid: 'sid-first', resourceId: 'rid-1' });
      await handle.signal(stopSignal);
      return handle.result();
    });
  });
  expect(result).toMatchObject({ ending: 'completed', sid: 'sid-first', resourceId: 'rid-1' });
  expect(activities.acquire).toHaveBeenCalledTimes(1);
  expect(activities.start).toHaveBeenCalledTimes(1);
  expect(activities.stop.mock.calls.map(([i]) => i.sid)).toEqual(['sid-first']);
});
