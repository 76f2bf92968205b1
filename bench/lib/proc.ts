/**
 * Process measurements from /proc (Linux): resident memory and CPU time of one process, and finding a child process
 * by its command line. CPU ticks are in USER_HZ (sysconf CLK_TCK, 100 on Linux).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let clkTck: number | undefined;
/** USER_HZ: ticks per second of utime/stime in /proc/<pid>/stat. */
export function clockTicksPerSecond(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** Fields of /proc/<pid>/stat after the command name (field 3 onwards, 0-based index 0 = state). */
function statFields(pid: number): string[] {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime of the process (all its threads), in ticks. */
export function cpuTicks(pid: number): number {
  const f = statFields(pid);
  return Number(f[11]) + Number(f[12]);
}

/** Parent pid. */
export function parentPid(pid: number): number {
  return Number(statFields(pid)[1]);
}

/** Resident set size in KiB (VmRSS of /proc/<pid>/status). */
export function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** The command line of a process, arguments joined by spaces ('' when gone). */
export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Children of `parent` whose command line contains `needle`. */
export function childPids(parent: number, needle: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    try {
      if (parentPid(pid) === parent && commandLine(pid).includes(needle)) out.push(pid);
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** CPU use of `pid` over `windowMs`, in % of one core. */
export async function cpuPercentOver(pid: number, windowMs: number): Promise<number> {
  const t0 = performance.now();
  const c0 = cpuTicks(pid);
  await new Promise((r) => setTimeout(r, windowMs));
  const c1 = cpuTicks(pid);
  const seconds = (performance.now() - t0) / 1000;
  return ((c1 - c0) / clockTicksPerSecond() / seconds) * 100;
}

/** Busy and total jiffies of the whole machine (first line of /proc/stat; idle and iowait are not busy). */
function machineTicks(): { busy: number; total: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((s, x) => s + x, 0);
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
}

/**
 * CPU of each named process while `f` runs, in % of one core, plus `machine`: everything on the machine (other users
 * of this shared machine included), in % of one core too (200 = both cores of a 2-core machine busy).
 */
export async function cpuProfile<T>(
  pids: Record<string, number>,
  f: () => Promise<T>,
): Promise<{ result: T; cpu: Record<string, number>; seconds: number }> {
  const read = () => Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, safeTicks(pid)]));
  const t0 = performance.now();
  const m0 = machineTicks();
  const c0 = read();
  const result = await f();
  const c1 = read();
  const m1 = machineTicks();
  const seconds = (performance.now() - t0) / 1000;
  const hz = clockTicksPerSecond();
  const cpu: Record<string, number> = {};
  for (const k of Object.keys(pids)) cpu[k] = Math.round((((c1[k] ?? 0) - (c0[k] ?? 0)) / hz / seconds) * 1000) / 10;
  const cores = fs.readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d/.test(l)).length || 1;
  cpu.machine = Math.round(((m1.busy - m0.busy) / (m1.total - m0.total)) * cores * 1000) / 10;
  return { result, cpu, seconds };
}

function safeTicks(pid: number): number {
  try {
    return cpuTicks(pid);
  } catch {
    return 0;
  }
}
