/**
 * End to end, the demo against a Temporal server that is already running (`--temporal-address`): the test starts a
 * dev server itself, WITHOUT the project's search attributes; the demo registers them through the operator API, runs
 * its recording on that server and leaves it running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { ensureSearchAttributes, freePort, waitFor } from '../../src/dev';
import { temporalCliPath } from '../support/temporal';
import { resultOf, runDemo } from '../support/demo';

jest.setTimeout(300_000);

const names = ['AgoraChannel', 'AgoraSid', 'RecordingStatus'];

let server: ChildProcess | undefined;
let serverExited: Promise<void> | undefined;
let address = '';
let connection: Connection | undefined;

beforeAll(async () => {
  const port = await freePort();
  address = `127.0.0.1:${port}`;
  // Its own process group, so afterAll stops the server and nothing else.
  server = spawn(
    temporalCliPath(),
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--ui-port',
      String(await freePort()),
      '--namespace',
      'default',
      '--log-level',
      'warn',
    ],
    { detached: true, stdio: 'ignore' },
  );
  const proc = server;
  serverExited = new Promise((resolve) => {
    proc.once('exit', () => {
      resolve();
    });
  });
  connection = await waitFor(
    'the Temporal dev server',
    async () => {
      if (proc.exitCode !== null) throw new Error(`the dev server exited ${proc.exitCode}`);
      const c = await Connection.connect({ address, connectTimeout: 1_000 });
      await c.workflowService.getSystemInfo({});
      return c;
    },
    60_000,
  );
});

afterAll(async () => {
  await connection?.close();
  if (server?.pid !== undefined && server.exitCode === null && server.signalCode === null) {
    process.kill(-server.pid, 'SIGTERM');
    await serverExited;
  }
});

describe('npm run demo -- --temporal-address', () => {
  it('the demo runs against an already-started dev server and leaves it running', async () => {
    const operator = connection!.operatorService;
    const before = (await operator.listSearchAttributes({ namespace: 'default' })).customAttributes;
    for (const name of names) expect(before[name]).toBeUndefined();

    const demo = runDemo(['--temporal-address', address]);
    await demo.reached;
    const code = await demo.exited;
    if (code !== 0) throw new Error(`demo exited ${code}:\n${demo.stderr()}`);
    const order = demo.steps.map((s) => s.step).filter((s) => s !== 'ncs');
    expect(order).toEqual([
      'temporal',
      'search-attributes',
      'emulator',
      'receiver',
      'worker',
      'start',
      'recording',
      'join',
      'layout',
      'stop',
      'uploaded',
      'result',
      'visibility',
      'done',
    ]);
    expect(demo.steps[0]).toMatchObject({ temporalAddress: address, namespace: 'default', existing: true });
    const registeredStep = demo.steps[1]!;
    expect([...(registeredStep.registered as string[])].sort()).toEqual([...names].sort());
    expect(registeredStep.present).toEqual([]);
    expect(registeredStep.text).toMatch(/registered AgoraChannel, AgoraSid, RecordingStatus/);
    expect(demo.steps.at(-1)!.text).toContain(`the Temporal server at ${address} is left running`);
    const result = resultOf(demo.steps);
    expect(result.ending).toBe('completed');
    expect(result.uploadingStatus).toBe('uploaded');

    // The three search attributes now exist on that server, as Keyword (2).
    const after = (await operator.listSearchAttributes({ namespace: 'default' })).customAttributes;
    for (const name of names) expect(after[name]).toBe(2);
    // Registering again finds them all present.
    expect(await ensureSearchAttributes(connection!, 'default')).toEqual({ registered: [], present: names });

    // The server is still running and answering after the demo exited: the demo's workflow is there, COMPLETED,
    // found by its channel.
    expect(server!.exitCode).toBeNull();
    const ns = await connection!.workflowService.describeNamespace({ namespace: 'default' });
    expect(ns.namespaceInfo?.name).toBe('default');
    const client = new Client({ connection: connection!, namespace: 'default' });
    const start = demo.steps.find((s) => s.step === 'start')!;
    const found: { id: string; status: string }[] = [];
    for await (const wf of client.workflow.list({ query: `AgoraChannel = "${result.cname}"` })) {
      found.push({ id: wf.workflowId, status: wf.status.name });
    }
    expect(found).toEqual([{ id: start.workflowId, status: 'COMPLETED' }]);
  });
});
