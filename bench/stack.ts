/**
 * The bench's processes: `startStack()` of src/dev (Temporal dev server, emulator, NCS receiver, worker — each its
 * own child process, loopback only) plus the baseline worker (bench/echo-worker.ts, its own process too).
 *
 * Two profiles:
 * - `agora`: the production defaults — the emulator enforces Agora's 10 requests/s per App ID and its 50 concurrent
 *   recordings; the worker's task-queue activity rate is 10/s (AGORA_REQUESTS_PER_SECOND).
 * - `unthrottled`: the emulator's QPS limit off and its quota at 100 000, the worker's activity rate at 1 000/s, so
 *   density and throughput measure the worker and Temporal, not Agora's published limits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, sleep, startStack, waitFor, type Stack } from '../src/dev';
import { stopProcessGroup } from '../src/dev/processes';
import { EmulatorControl } from '../src/emulator';
import { childPids } from './lib/proc';

export type StackProfile = 'agora' | 'unthrottled';

export interface BenchStack {
  profile: StackProfile;
  stack: Stack;
  emulator: EmulatorControl;
  /** Pid of the recording worker process (the node process running src/worker.ts). */
  workerPid: number;
  /** Pid of the baseline worker process. */
  echoPid: number;
  /** Pids of every process of the stack, by name (for CPU profiles). */
  pids: Record<string, number>;
  /** Prometheus endpoint of the baseline worker. */
  echoMetricsUrl: string;
  /** Task queue of the baseline workflows. */
  echoTaskQueue: string;
  /** The path prefix the echo activity POSTs to (logged by the emulator like an Agora call). */
  echoPath: string;
  logDir: string;
  /**
   * Stops every process (once; later calls wait for the first); removes the logs unless `keepLogs` (a section failed).
   */
  stop(keepLogs?: boolean): Promise<void>;
}

/** Worker environment per profile (read by src/config/ in the worker process). */
function workerEnv(profile: StackProfile, logLevel: string, agoraRps: number): Record<string, string> {
  return {
    AGORA_REQUESTS_PER_SECOND: profile === 'agora' ? String(agoraRps) : '1000',
    LOG_LEVEL: logLevel,
  };
}

/** Time from start answered to recorder_started at the emulator, ms. */
export const RECORDER_STARTUP_MS = 2_000;

function emulatorArgs(profile: StackProfile): string[] {
  // Agora's recorder takes seconds to join the channel after start answers
  // (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices: confirm ~5 s after the sid);
  // the emulator's default (0) would send recorder_started before the workflow could have read the start answer.
  const startup = ['--startup-ms', String(RECORDER_STARTUP_MS)];
  return profile === 'agora' ? startup : [...startup, '--qps-limit', '0', '--concurrency-quota', '100000'];
}

/** Starts the stack for `profile`; `log` prints progress. */
export async function startBenchStack(
  profile: StackProfile,
  o: {
    logLevel: string;
    log: (line: string) => void;
    agoraRps?: number;
    /** Called with the stack's directory (logs, spool) before anything starts: a Ctrl-C during start-up can name it. */
    onWorkDir?: (dir: string) => void;
  },
): Promise<BenchStack> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `agora-bench-${profile}-`));
  o.onWorkDir?.(workDir);
  const stack = await startStack({
    workDir,
    emulatorArgs: emulatorArgs(profile),
    workerEnv: workerEnv(profile, o.logLevel, o.agoraRps ?? 10),
    report: (_step, text) => {
      o.log(`  [${profile}] ${text.split('\n')[0]}`);
    },
  });
  const logDir = path.join(workDir, 'logs');
  let echo: ChildProcess | undefined;
  try {
    const workerPid = await waitFor<number>(
      'the worker pid',
      () => childPids(process.pid, path.join('src', 'worker.ts'))[0],
      { timeoutMs: 10_000, everyMs: 200, onError: 'throw' },
    );
    const emulatorUrl = stack.emulatorUrl;
    if (!emulatorUrl) throw new Error('the bench needs the emulator (unset AGORA_* credentials)');
    const emulator = new EmulatorControl(emulatorUrl);
    const echoTaskQueue = `bench-echo-${profile}`;
    const echoPath = `/v1/apps/${stack.appId}/cloud_recording/bench-echo`;
    const echoLog = path.join(logDir, 'echo-worker.log');
    const echoMetricsPort = await freePort();
    const out = fs.openSync(echoLog, 'a');
    echo = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'echo-worker.ts')], {
      cwd: path.resolve(__dirname, '..'),
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: stack.temporalAddress,
        BENCH_TASK_QUEUE: echoTaskQueue,
        BENCH_ECHO_URL: `${emulatorUrl}${echoPath}`,
        METRICS_BIND_ADDRESS: `127.0.0.1:${echoMetricsPort}`,
      },
      stdio: ['ignore', out, out],
      detached: true,
    });
    fs.closeSync(out);
    const echoProc = echo;
    // Like startStack's children: if the bench dies (--max-minutes, an uncaught error), the baseline worker goes too.
    const killEcho = () => {
      try {
        process.kill(-echoProc.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    process.on('exit', killEcho);
    echoProc.once('exit', () => process.off('exit', killEcho));
    await waitFor(
      'the echo worker',
      () => {
        if (echoProc.exitCode !== null) throw new Error(`echo worker exited; see ${echoLog}`);
        return fs.readFileSync(echoLog, 'utf8').includes('echo worker running') ? true : undefined;
      },
      { timeoutMs: 120_000, everyMs: 250, onError: 'throw' },
    );
    o.log(`  [${profile}] baseline worker polling ${echoTaskQueue}; logs in ${logDir}`);
    const pid = (needle: string) => childPids(process.pid, needle)[0] ?? 0;
    const pids = {
      worker: workerPid,
      temporal: pid('server start-dev'),
      receiver: pid(path.join('src', 'receiver', 'main.ts')),
      emulator: pid(path.join('src', 'emulator', 'main.ts')),
      baselineWorker: echo.pid!,
      bench: process.pid,
    };
    await sleep(1_000);
    let stopping: Promise<void> | undefined;
    return {
      profile,
      stack,
      emulator,
      workerPid,
      echoPid: echo.pid!,
      pids,
      echoTaskQueue,
      echoMetricsUrl: `http://127.0.0.1:${echoMetricsPort}/metrics`,
      echoPath,
      logDir,
      // Once: a Ctrl-C stops the stack while the section that used it still unwinds and stops it too.
      stop: (keepLogs = false) =>
        (stopping ??= (async () => {
          await stopProcessGroup(echoProc);
          await stack.stop();
          if (keepLogs) o.log(`  [${profile}] logs kept in ${logDir}`);
          else fs.rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
        })()),
    };
  } catch (e) {
    if (echo) await stopProcessGroup(echo);
    await stack.stop();
    o.log(`  [${profile}] logs kept in ${logDir}`);
    throw e;
  }
}
