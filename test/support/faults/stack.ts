/**
 * The fault suite's stack: src/dev startStack() (Temporal dev server, Agora emulator, NCS receiver and worker,
 * each a real child process) plus the emulator's control API client (src/emulator) and the waits the scenarios share.
 * Every wait is bounded and every loop stops by itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EMULATED, startStack, waitFor, type Stack, type StackOptions } from '../../../src/dev';
import type { StartRecordingInput } from '../../../src/client';
import type { RecordingResult, RecordingState, RecordingStatus } from '../../../src/contract';
import { EmulatorControl } from '../../../src/emulator';
import type { CallLogEntry } from '../../../src/emulator/call-log';
import type { TaskSnapshot } from '../../../src/emulator/task';
import type { EmittedNotification, NcsDeliveryAttempt } from '../../../src/emulator/ncs';
import { allScenariosPassed, writeReport } from './report';

export type { CallLogEntry, TaskSnapshot, EmittedNotification, NcsDeliveryAttempt };
export { waitFor };

/** The secrets the stack runs with (emulated ones): none may appear in any history, log line or error. */
export const SECRETS: Record<string, string> = {
  'Agora customer secret': EMULATED.customerSecret,
  'NCS secret': EMULATED.ncsSecret,
  'storage access key': 'demo-access-key',
  'storage secret key': 'demo-secret-key',
  'Basic auth header': Buffer.from(`${EMULATED.customerId}:${EMULATED.customerSecret}`).toString('base64'),
};

/** Counts of one recording's Agora calls, and how each start and stop was answered. */
export interface CallCounts {
  acquire: number;
  start: number;
  stop: number;
  query: number;
  /** stop calls that ended a recording task: answered 200, or 206/435 (nothing recorded). */
  effectiveStops: number;
  /** start calls answered 200 (each created a task). */
  effectiveStarts: number;
  /** How each start and stop was answered, in order, e.g. `start 200`, `start 201/7`, `stop 400/49`. */
  answers: string[];
}

export function countCalls(calls: CallLogEntry[]): CallCounts {
  const of = (e: string) => calls.filter((c) => c.endpoint === e);
  const answer = (c: CallLogEntry) =>
    `${c.endpoint} ${c.httpStatus ?? 'no answer'}${c.code !== undefined ? `/${c.code}` : ''}${c.fault ? ` (${c.fault})` : ''}`;
  return {
    acquire: of('acquire').length,
    start: of('start').length,
    stop: of('stop').length,
    query: of('query').length,
    effectiveStarts: of('start').filter((c) => c.httpStatus === 200).length,
    effectiveStops: of('stop').filter((c) => c.httpStatus === 200 || (c.httpStatus === 206 && c.code === 435)).length,
    answers: calls.filter((c) => c.endpoint === 'start' || c.endpoint === 'stop').map(answer),
  };
}

/** A fault-suite stack: the processes, the emulator's control API, and helpers. */
export interface FaultStack extends Stack {
  emu: EmulatorControl;
  /** Every line the four processes printed so far (logs/*.log). */
  logs(): Record<string, string>;
}

export async function startFaultStack(o: Pick<StackOptions, 'emulatorArgs' | 'workerEnv'> = {}): Promise<FaultStack> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-faults-'));
  const stack = await startStack({
    workDir,
    ...o,
    realAgora: false,
    workerEnv: { LOG_LEVEL: 'info', ...o.workerEnv },
  });
  const emu = new EmulatorControl(stack.emulatorUrl!);
  const logs = () => {
    const dir = path.join(workDir, 'logs');
    return Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  };
  return Object.assign(stack, { emu, logs });
}

/** A mix recording input that records normally on the emulator (a publisher must join the channel). */
export function mixInput(cname: string, over: Partial<StartRecordingInput> = {}): StartRecordingInput {
  return {
    cname,
    mode: 'mix',
    recordingConfig: {
      channelType: 0,
      maxIdleTime: 300,
      transcodingConfig: { width: 640, height: 360, fps: 15, bitrate: 500, mixedVideoLayout: 1 },
    },
    recordingFileConfig: { avFileType: ['hls'] },
    storage: { profile: 'demo', fileNamePrefix: ['faults'] },
    policy: { maxDurationSeconds: 3600, uploadTimeoutSeconds: 120 },
    ...over,
  };
}

/** A unique channel name (letters, digits and dashes; < 64 bytes). */
export function channel(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Waits until the recording's status query reports one of `states`. The worker must be running. */
export async function waitForState(
  stack: Stack,
  workflowId: string,
  states: RecordingState[],
  timeoutMs = 60_000,
): Promise<RecordingStatus> {
  return waitFor(
    `${workflowId} to reach ${states.join('/')}`,
    async () => {
      const s = await stack.client.status(workflowId);
      return states.includes(s.state) ? s : undefined;
    },
    { timeoutMs, everyMs: 200 },
  );
}

/** Waits for the workflow result, bounded. */
export async function resultWithin(stack: Stack, workflowId: string, timeoutMs: number): Promise<RecordingResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no result for ${workflowId} within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([stack.client.result(workflowId), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts a mix recording and has a publisher join its channel. */
export async function startRecording(
  stack: FaultStack,
  cname: string,
  over: Partial<StartRecordingInput> = {},
  publisher = '1001',
): Promise<{ workflowId: string; uid: string }> {
  await stack.emu.join(cname, publisher);
  const started = await stack.client.start(mixInput(cname, over));
  return { workflowId: started.workflowId, uid: started.uid };
}

/**
 * The common end checks of the Agora fault scenarios: exactly one task for the channel, exited (not recording), and one
 * start that took. @returns the call summary for the report.
 */
export async function oneTaskEnded(stack: FaultStack, cname: string): Promise<string> {
  const tasks = await stack.emu.tasksFor(cname);
  expect(tasks).toHaveLength(1);
  expect(tasks[0]!.phase).toBe('exited');
  const calls = countCalls(await stack.emu.callsFor(cname));
  expect(calls.effectiveStarts + calls.answers.filter((a) => a.startsWith('start no answer')).length).toBe(1);
  return `1 task, exited; calls: ${calls.acquire} acquire, ${calls.query} query, ${calls.answers.join(', ')}`;
}

/**
 * The per-file lifecycle of a fault test file: one stack for the whole file (beforeAll, then `onStack` to keep it and
 * prepare more), the emulator's faults cleared after each test, and at the end `beforeStop`, the stack stopped and the
 * file's report written (support/report.ts).
 */
export function useFaultStack(
  testFile: string,
  onStack: (stack: FaultStack) => void | Promise<void>,
  o: { beforeStop?: () => void } = {},
): void {
  let stack: FaultStack | undefined;
  beforeAll(async () => {
    stack = await startFaultStack();
    await onStack(stack);
  });
  afterEach(async () => stack?.emu.clearFaults());
  afterAll(async () => {
    o.beforeStop?.();
    await stack?.stop();
    writeReport(testFile);
    // The processes' logs explain a failure; after a clean file they are only litter in the temp directory.
    if (stack && allScenariosPassed()) {
      try {
        fs.rmSync(stack.workDir, { recursive: true, force: true });
      } catch (e) {
        console.warn(`cannot remove ${stack.workDir}: ${String(e)}`);
      }
    } else if (stack) console.log(`fault stack logs kept in ${stack.workDir}`);
  });
}
