import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv, createTimeSkippingEnv, uniqueTaskQueue } from '../support/temporal';
import { lastPingQuery, pingSignal, pingable, sleeper } from '../support/smoke-workflows';
import { waitFor } from '../../src/dev/wait';

const workflowsPath = require.resolve('../support/smoke-workflows');

describe('time-skipping test server (real binary)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => void (env = await createTimeSkippingEnv()));
  afterAll(async () => env?.teardown());

  it('completes a 5-minute sleep in under 5 s of wall time', async () => {
    const taskQueue = uniqueTaskQueue('smoke-ts');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath });
    const began = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute(sleeper, { taskQueue, workflowId: uniqueTaskQueue('sleeper') }),
    );
    expect(result).toBe('woke');
    expect(Date.now() - began).toBeLessThan(5_000);
  });
});

describe('dev server (real binary, search attributes registered)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => void (env = await createDevServerEnv()));
  afterAll(async () => env?.teardown());

  it('starts, signals, queries and lists a workflow by search attribute', async () => {
    const taskQueue = uniqueTaskQueue('smoke-dev');
    const cname = `room-${Date.now()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(pingable, { taskQueue, workflowId: cname, args: [cname] });
      expect(await handle.query(lastPingQuery)).toBeUndefined();
      const listed = await waitFor(
        `${cname} in the visibility list`,
        async () => {
          const ids: string[] = [];
          for await (const wf of env.client.workflow.list({ query: `AgoraChannel = "${cname}"` }))
            ids.push(wf.workflowId);
          return ids.length > 0 ? ids : undefined;
        },
        { timeoutMs: 10_000, everyMs: 200 },
      );
      expect(listed).toEqual([cname]);
      await handle.signal(pingSignal, 'hello');
      expect(await handle.result()).toBe('hello');
      expect(await handle.query(lastPingQuery)).toBe('hello');
    });
  });
});
