/**
 * `tsx bench/memory-probe.ts` — what one idle workflow costs the worker process, measured in-process (issue 7, density).
 *
 * Starts the Temporal dev server (.tools/bin/temporal, in-memory) and ONE worker in this process with stub activities
 * (acquire / start / query answer at once) and the worker's own bundler options (src/worker.ts
 * workflowBundlerOptions), then adds workflows step by step and leaves them idle: recordings in the `recording` state
 * (the input of the bench's density section), or bare `echoWorkflow`s (bench/workflows) for the floor. After each
 * step: a settle time, a full GC of this thread (run with `node --expose-gc`), then one JSON line: RSS, the V8 heap of
 * this thread and, with --debug, the workflows' promise stacks. With --debug the SDK runs the reusable workflow VM in
 * this thread, so one heap holds everything a workflow costs in JS (heap snapshots see it; bench/heap-retained.ts
 * and bench/heap-diff.ts read them); without it (the default) the VM runs in its worker thread as in production.
 * Ends with the slopes, KiB per workflow.
 *
 *   node --expose-gc --import tsx bench/memory-probe.ts --n 250,1000,2000              # production layout, RSS slope
 *   node --expose-gc --import tsx bench/memory-probe.ts --n 250,1000,2000 --no-preload # the same without preloading
 *   node --expose-gc --import tsx bench/memory-probe.ts --n 200,600 --debug            # JS heap per workflow
 *   node --expose-gc --import tsx bench/memory-probe.ts --n 100,300 --debug --snapshot-dir /tmp/snap
 *   heaptrack node --import tsx bench/memory-probe.ts --n 600 --exit-at-end            # native (Rust core) memory
 *
 * Results of issue 7 (2 cores, Node 20, SDK 1.24): see bench/README.md "Where a recording's memory goes".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { Command } from 'commander';
import { integerOption } from '../src/config/numbers';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { freePort, waitFor } from '../src/dev';
import { type RecordingActivities, type RecordingInput, searchAttributeKeys } from '../src/contract';
import { workflowBundlerOptions } from '../src/worker';
import { linearFit, mapLimit, round, sleep } from './lib/stats';
import { benchInput } from './sections/common';

const root = path.resolve(__dirname, '..');

interface Options {
  n: number[];
  workflow: 'recording' | 'echo';
  debug?: boolean;
  preload: boolean;
  extraPreload?: string;
  stackLimit?: number;
  bundle?: string;
  snapshotDir?: string;
  settleSeconds: number;
  concurrency: number;
  holdSeconds: number;
  exitAtEnd?: boolean;
}

/** The SDK's reusable-VM workflow creator keeps every live workflow by run id (internal API, read-only here). */
interface VmWorkflow {
  activator: {
    moduleCache: Map<string, unknown>;
    promiseStackStore: { promiseToStack: Map<unknown, { formatted: string; structured: unknown[] }> };
  };
}
function vmWorkflows(): VmWorkflow[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const m = require('@temporalio/worker/lib/workflow/reusable-vm') as {
    ReusableVMWorkflowCreator: { workflowByRunId: Map<string, VmWorkflow> };
  };
  return [...m.ReusableVMWorkflowCreator.workflowByRunId.values()];
}

const list = (v: string) => v.split(',').map(integerOption(1));

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  g?.();
  g?.();
}

function rssKiB(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** The input of the bench's density section (bench/sections/common.ts benchInput), with a uid. */
function input(cname: string): RecordingInput {
  return { ...benchInput(cname), uid: '900001' };
}

async function startServer(): Promise<{ proc: ChildProcess; address: string }> {
  const port = await freePort();
  const proc = spawn(
    path.join(root, '.tools/bin/temporal'),
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--headless',
      '--namespace',
      'default',
      ...searchAttributeKeys.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]),
      '--log-level',
      'error',
    ],
    { stdio: 'ignore', detached: true },
  );
  const address = `127.0.0.1:${port}`;
  await waitFor(
    'the dev server',
    async () => {
      try {
        const c = await Connection.connect({ address, connectTimeout: 1_000 });
        await c.workflowService.getSystemInfo({});
        await c.close();
        return true;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 60_000, everyMs: 300, onError: 'throw' },
  );
  return { proc, address };
}

async function main(): Promise<void> {
  const o = new Command('memory-probe')
    .option('--n <list>', 'steps: live workflows after each, ascending', list, [200, 1000])
    .option('--workflow <kind>', 'recording | echo', 'recording')
    .option('--debug', 'run the workflow VM in this thread (SDK debugMode): one heap holds the workflows')
    .option('--no-preload', "bundle without the worker's preloadModules (the A/B of issue 7)")
    .option('--extra-preload <list>', 'more preloadModules, comma-separated (./paths relative to the repo)')
    .option('--bundle <path>', 'a prebuilt workflow bundle (e.g. lib/workflow-bundle.js from npm run build) instead')
    .option(
      '--stack-limit <n>',
      'preload a module that sets Error.stackTraceLimit = n in the workflow VM',
      integerOption(),
    )
    .option('--snapshot-dir <dir>', 'write a heap snapshot after each step (with --debug they include the workflows)')
    .option('--settle-seconds <s>', 'wait after each step before measuring', integerOption(), 5)
    .option('--concurrency <n>', 'client start concurrency', integerOption(1), 50)
    .option(
      '--hold-seconds <s>',
      'keep the worker and its workflows alive this long at the end (gdb, heaptrack)',
      integerOption(),
      0,
    )
    .option('--exit-at-end', 'exit without shutting the worker down: heaptrack then reports what the workflows hold')
    .parse()
    .opts<Options>();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const { proc, address } = await startServer();
  const stopServer = () => {
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  };
  process.on('exit', stopServer);

  const connection = await NativeConnection.connect({ address });
  let starts = 0;
  const activities: RecordingActivities & { echo(): Promise<void> } = {
    acquire: () => Promise.resolve({ resourceId: `r${Math.random().toString(36).slice(2)}`.padEnd(120, 'x') }),
    start: () => {
      starts++;
      return Promise.resolve({ alreadyStarted: false, sid: `s${Math.random().toString(36).slice(2)}`.padEnd(32, '0') });
    },
    query: () => Promise.resolve({ kind: 'ok', status: 5 }),
    update: () => Promise.resolve({ kind: 'ok' }),
    updateLayout: () => Promise.resolve({ kind: 'ok' }),
    stop: () => Promise.resolve({ kind: 'stopped', uploadingStatus: 'uploaded' }),
    echo: () => Promise.resolve(),
  };
  const workflowsPath = o.workflow === 'echo' ? require.resolve('./workflows') : require.resolve('../src/workflows');
  const preloadModules = [
    ...(o.preload ? (workflowBundlerOptions(workflowsPath).preloadModules ?? []) : []),
    ...(o.extraPreload ?? '')
      .split(',')
      .filter(Boolean)
      .map((m) => (m.startsWith('.') ? path.resolve(root, m) : m)),
  ];
  if (o.stackLimit !== undefined) {
    // Must be preloaded: the SDK freezes the VM's globals (Error included) once the preloaded modules ran.
    const file = path.join(fs.mkdtempSync('/tmp/probe-'), 'stack-limit.js');
    fs.writeFileSync(file, `Error.stackTraceLimit = ${o.stackLimit};\n`);
    preloadModules.unshift(file);
  }
  const taskQueue = `probe-${o.workflow}`;
  const options: WorkerOptions = {
    connection,
    namespace: 'default',
    taskQueue,
    activities,
    ...(o.bundle
      ? { workflowBundle: { codePath: path.resolve(o.bundle) } }
      : { workflowsPath, ...(preloadModules.length ? { bundlerOptions: { preloadModules } } : {}) }),
    ...(o.debug ? { debugMode: true } : {}),
  };
  const worker = await Worker.create(options);
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address }) });
  const tag = Date.now().toString(36);
  let live = 0;

  if (o.snapshotDir) fs.mkdirSync(o.snapshotDir, { recursive: true });
  const measure = async (n: number) => {
    await sleep(o.settleSeconds * 1000);
    gc();
    await sleep(500);
    gc();
    const h = v8.getHeapStatistics();
    const workflows = o.debug ? vmWorkflows() : [];
    const row = {
      n,
      rssKiB: rssKiB(),
      heapUsedKiB: Math.round(h.used_heap_size / 1024),
      heapTotalKiB: Math.round(h.total_heap_size / 1024),
      externalKiB: Math.round(process.memoryUsage().external / 1024),
      ...(o.debug
        ? {
            vmWorkflows: workflows.length,
            trackedPromises: workflows.reduce((t, w) => t + w.activator.promiseStackStore.promiseToStack.size, 0),
          }
        : {}),
      ...(o.snapshotDir
        ? { snapshot: v8.writeHeapSnapshot(path.join(o.snapshotDir, `${o.workflow}-${n}.heapsnapshot`)) }
        : {}),
    };
    console.log(JSON.stringify(row));
    return row;
  };

  try {
    const rows = [await measure(0)];
    for (const n of o.n) {
      const ids = Array.from({ length: n - live }, (_, i) => `probe-${tag}-${live + i}`);
      const before = starts;
      await mapLimit(ids, o.concurrency, (id) =>
        o.workflow === 'echo'
          ? client.workflow.start('echoWorkflow', { taskQueue, workflowId: id })
          : client.workflow.start('recordingWorkflow', { taskQueue, workflowId: id, args: [input(id)] }),
      );
      if (o.workflow === 'recording') {
        const want = ids.length;
        await waitFor('the starts', () => Promise.resolve(starts - before >= want ? true : undefined), {
          timeoutMs: 600_000,
          everyMs: 200,
          onError: 'throw',
        });
      }
      live = n;
      rows.push(await measure(n));
    }
    if (o.debug) {
      const first = vmWorkflows()[0];
      console.log(JSON.stringify({ perWorkflowModules: first ? [...first.activator.moduleCache.keys()] : [] }));
      if (process.env.PROBE_DUMP_STACKS) {
        for (const st of first?.activator.promiseStackStore.promiseToStack.values() ?? []) {
          console.log(`--- ${st.formatted.length} chars, ${st.structured.length} frames\n${st.formatted}`);
        }
      }
    }
    const points = rows.slice(1);
    if (points.length >= 2) {
      const rss = linearFit(points.map((r) => ({ x: r.n, y: r.rssKiB })));
      const heap = linearFit(points.map((r) => ({ x: r.n, y: r.heapUsedKiB })));
      console.log(
        JSON.stringify({
          workflow: o.workflow,
          debug: !!o.debug,
          preloadModules: o.bundle ? `(as built into ${o.bundle})` : preloadModules.map((m) => path.relative(root, m)),
          rssSlopeKiB: round(rss.slope, 1),
          rssR2: round(rss.r2, 3),
          heapSlopeKiB: round(heap.slope, 1),
        }),
      );
    }
    if (o.holdSeconds > 0) {
      console.log(JSON.stringify({ holding: o.holdSeconds, pid: process.pid }));
      await sleep(o.holdSeconds * 1000);
    }
    if (o.exitAtEnd) process.exit(0); // heaptrack: what is still allocated is what the live workflows hold
    worker.shutdown();
    await running;
  } finally {
    stopServer();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
