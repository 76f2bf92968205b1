/**
 * The demo as a child process, the way a user runs it (`src/demo.ts --json`), for the end-to-end tests: its JSON steps
 * as they come, its exit, and its stderr. Agora credentials and TEMPORAL_ADDRESS/TEMPORAL_NAMESPACE are cleared, so
 * the demo runs on the emulator and on the Temporal server its arguments name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { RecordingResult } from '../../src/contract';

const root = path.resolve(__dirname, '../..');

/** One line of the demo's --json output. */
export interface Step {
  step: string;
  text: string;
  [k: string]: unknown;
}

/** Runs the demo with --json; resolves on the step `until` (or on exit). */
export function runDemo(args: string[], until?: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AGORA_APP_ID: '',
    AGORA_CUSTOMER_ID: '',
    AGORA_CUSTOMER_SECRET: '',
    LOG_LEVEL: 'info',
  };
  delete env.TEMPORAL_ADDRESS;
  delete env.TEMPORAL_NAMESPACE;
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/demo.ts', '--json', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const steps: Step[] = [];
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      resolve(code);
    }),
  );
  const reached = new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      let nl: number;
      while ((nl = stdout.indexOf('\n')) >= 0) {
        const line = stdout.slice(0, nl);
        stdout = stdout.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const step = JSON.parse(line) as Step;
        steps.push(step);
        if (until && step.step === until) resolve();
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    void exited.then((code) => {
      if (until) reject(new Error(`demo exited ${code}:\n${stderr}`));
      else resolve();
    });
  });
  return { proc, steps, exited, reached, stderr: () => stderr };
}

/** The `result` step's RecordingResult. */
export function resultOf(steps: Step[]): RecordingResult {
  const step = steps.find((s) => s.step === 'result');
  expect(step).toBeDefined();
  return step!.result as RecordingResult;
}
