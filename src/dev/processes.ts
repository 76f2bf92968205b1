/**
 * The local stack's child processes: each in its own process group, its output appended to `{logDir}/{name}.log`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The repository root (from src/dev, or lib/dev when compiled). */
export const root = path.resolve(__dirname, '../..');
const compiled = __filename.endsWith('.js');

/** A started child process and its log. */
export interface Child {
  name: string;
  proc: ChildProcess;
  log: string;
  /** Everything the process printed so far. */
  output: () => string;
}

/**
 * Spawns a TypeScript entry point of this project (tsx in development, node on lib/ when compiled).
 * @param entry the path under src/ without extension, e.g. `worker` or `emulator/main`
 */
export function spawnEntry(name: string, entry: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): Child {
  const file = compiled ? path.join(__dirname, '..', `${entry}.js`) : path.join(root, 'src', `${entry}.ts`);
  const nodeArgs = compiled ? [file, ...args] : ['--import', 'tsx', file, ...args];
  return spawnLogged(name, process.execPath, nodeArgs, env, logDir);
}

/** Spawns `cmd` in its own process group, stdout and stderr appended to `{logDir}/{name}.log`. */
export function spawnLogged(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): Child {
  const log = path.join(logDir, `${name}.log`);
  const out = fs.openSync(log, 'a');
  // detached: its own process group, so stop() can signal the whole group and Ctrl-C in the terminal reaches us only.
  const proc = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  return { name, proc, log, output: () => fs.readFileSync(log, 'utf8') };
}

/** Stops a process started in its own group: SIGTERM to the group, SIGKILL after 10 s; resolves once it exited. */
export async function stopProcessGroup(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) =>
    proc.once('exit', () => {
      r();
    }),
  );
  const signal = (s: NodeJS.Signals) => {
    try {
      if (proc.pid !== undefined) process.kill(-proc.pid, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => {
    signal('SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/** @throws Error naming the child, how it exited and the last lines of its log, if it is no longer running */
export function ensureAlive(c: Child): void {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) {
    const tail = c.output().split('\n').slice(-15).join('\n');
    throw new Error(`${c.name} exited (${c.proc.exitCode ?? c.proc.signalCode}); last lines of ${c.log}:\n${tail}`);
  }
}
