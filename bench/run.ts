/**
 * `npm run bench` — issue 7's benchmarks, measured in one run on this machine, as ratios where a baseline applies.
 *
 *   npm run bench                  # default: short (≈ 6 min): N = 100, 200, 400; 100 latency samples; 20 recordings
 *   npm run bench -- --full        # full size (≈ 12 min): N = 250, 1000, 2000; 200 latency samples; 40 recordings
 *   npm run bench -- --density 50,100 --only density,history   # any size, any subset
 *
 * Real servers only, loopback only: the Temporal dev server (.tools/bin/temporal), the Agora emulator over HTTP, the
 * NCS receiver and the worker each in its own process (src/dev startStack), plus the baseline worker
 * (bench/echo-worker.ts); the time-skipping test server for history counts. Every wait is bounded, and the whole run
 * stops itself after --max-minutes. Writes bench/results/<timestamp>.json, bench/results/latest.json and
 * bench/results/latest.md, and prints the table.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { integerOption, positiveOption } from '../src/config/numbers';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { markdown, type BenchResults } from './report';
import { runDensity } from './sections/density';
import { runEconomy } from './sections/economy';
import { runHistory } from './sections/history';
import { runLatency } from './sections/latency';
import { runThroughput } from './sections/throughput';
import { startBenchStack, type BenchStack, type StackProfile } from './stack';

const SECTIONS = ['history', 'latency', 'economy', 'throughput', 'density'] as const;
type Section = (typeof SECTIONS)[number];

const int = integerOption(1);
const list = (v: string) => v.split(',').map(int);

interface Options {
  full?: boolean;
  density?: number[];
  idleSeconds?: number;
  progressSeconds?: number;
  settleSeconds?: number;
  drainSeconds?: number;
  latencySamples?: number;
  gapMs?: number;
  economyRecordings?: number;
  layouts?: number;
  restHours?: number;
  concurrency?: number;
  throughputRounds?: number;
  throughputBatch?: number;
  agoraRps?: number;
  only?: string;
  logLevel: string;
  out: string;
  maxMinutes?: number;
}

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<number> {
  const opts = new Command('bench')
    .description('Benchmarks: density, Agora call economy, history cost, latency, throughput')
    .option(
      '--full',
      'full size: N = 250,1000,2000; 200 latency samples; 40 recordings; 5 throughput rounds of 250; 60 s idle window',
    )
    .option(
      '--density <list>',
      'density steps N, comma-separated, ascending (default 100,200,400; --full 250,1000,2000)',
      list,
    )
    .option('--idle-seconds <s>', 'idle CPU window with no NCS traffic (default 30; --full 60)', int)
    .option(
      '--progress-seconds <s>',
      'idle CPU window with uploading_progress flowing (default 60: a 60 s window sees one per recording)',
      int,
    )
    .option('--settle-seconds <s>', 'wait after each density step before sampling RSS (default 10; --full 20)', int)
    .option(
      '--drain-seconds <s>',
      'wait after the last density step before the idle CPU windows, GC after the ramp (default 60; --full 150)',
      int,
    )
    .option('--latency-samples <n>', 'samples of each latency, recording and echo (default 100; --full 200)', int)
    .option('--gap-ms <ms>', 'pause between latency signals (default 200)', int)
    .option(
      '--economy-recordings <n>',
      'recordings started at once under Agora limits, ≤ 50, the quota (default 20; --full 40)',
      int,
    )
    .option('--layouts <n>', 'distinct layouts per recording in the economy run (default 2)', int)
    .option('--rest-hours <h>', 'idle hours skipped for the at-rest history count (default 3; --full 8)', int)
    .option('--concurrency <n>', 'client start concurrency, throughput and density (default 50)', int)
    .option(
      '--throughput-rounds <n>',
      'throughput rounds, odd: a batch of no-ops and one of recordings each (default 3; --full 5)',
      int,
    )
    .option(
      '--throughput-batch <n>',
      'no-op workflows, and recordings, per throughput batch (default 150; --full 250)',
      int,
    )
    .option(
      '--agora-rps <n>',
      'AGORA_REQUESTS_PER_SECOND of the worker in the Agora-limits stack (default 10)',
      positiveOption,
    )
    .option('--only <sections>', `comma-separated subset of ${SECTIONS.join(',')} (default all)`)
    .option('--log-level <level>', 'worker log level (the worker announces itself at info)', 'info')
    .option('--out <dir>', 'results directory', path.join(__dirname, 'results'))
    .option('--max-minutes <m>', 'abort the whole run after this long (default 15; --full 90)', positiveOption)
    .parse()
    .opts<Options>();
  const full = !!opts.full;
  const o = {
    density: opts.density ?? (full ? [250, 1000, 2000] : [100, 200, 400]),
    idleSeconds: opts.idleSeconds ?? (full ? 60 : 30),
    progressSeconds: opts.progressSeconds ?? 60,
    settleSeconds: opts.settleSeconds ?? (full ? 20 : 10),
    drainSeconds: opts.drainSeconds ?? (full ? 150 : 60),
    latencySamples: opts.latencySamples ?? (full ? 200 : 100),
    gapMs: opts.gapMs ?? 200,
    economyRecordings: Math.min(opts.economyRecordings ?? (full ? 40 : 20), 50),
    layouts: opts.layouts ?? 2,
    restHours: opts.restHours ?? (full ? 8 : 3),
    concurrency: opts.concurrency ?? 50,
    throughputRounds: opts.throughputRounds ?? (full ? 5 : 3),
    throughputBatch: opts.throughputBatch ?? (full ? 250 : 150),
    agoraRps: opts.agoraRps ?? 10,
    maxMinutes: opts.maxMinutes ?? (full ? 90 : 15),
  };
  const chosen = opts.only === undefined ? [...SECTIONS] : opts.only.split(',').map((s) => s.trim());
  for (const s of chosen) {
    if (!SECTIONS.includes(s as Section)) {
      throw new Error(`--only: unknown section "${s}" (sections: ${SECTIONS.join(', ')})`);
    }
  }
  const only = new Set(chosen as Section[]);
  if (o.throughputRounds % 2 === 0) throw new Error('--throughput-rounds must be odd (the median is one round)');
  o.density.sort((a, b) => a - b);
  if ((o.density[0] ?? 0) <= 5) throw new Error('--density steps must be above 5 (five warm-up recordings come first)');
  if (only.has('density') && new Set(o.density).size < 2) {
    throw new Error('--density needs at least two different steps (the RSS per recording is a slope fitted over them)');
  }

  // The bench's own Temporal runtime (history worker, clients): warnings only, the table is the output.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const log = (line: string) => {
    console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
  };
  const startedAt = new Date();
  const abort = setTimeout(() => {
    console.error(`bench: aborted after --max-minutes ${o.maxMinutes}`);
    process.exit(2); // startStack's exit hook kills every child process group
  }, o.maxMinutes * 60_000);
  abort.unref();
  // Ctrl-C / SIGTERM: the stack's processes run in their own process groups (the terminal's signal does not reach
  // them), so stop the running stack, keeping its logs, then exit 130. A second signal while stopping is ignored.
  let current: BenchStack | undefined;
  /** The directory of the stack being started or running (a Ctrl-C during start-up names it; the exit hooks kill). */
  let currentDir: string | undefined;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`bench: ${signal}, stopping the stack…`);
    if (!current && currentDir) console.error(`bench: the stack was starting; its logs are in ${currentDir}/logs`);
    void (current?.stop(true) ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const results: BenchResults = {
    meta: {
      startedAt: startedAt.toISOString(),
      finishedAt: '',
      command: `npm run bench --${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`.replace(
        / --$/,
        '',
      ),
      mode: full ? 'full' : 'default',
      commit: gitCommit(),
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? '?',
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      options: { ...o, sections: [...only] },
    },
    errors: [],
  };
  const attempt = async (section: Section, f: () => Promise<void>) => {
    if (!only.has(section)) return;
    log(`${section}…`);
    const t = Date.now();
    try {
      await f();
      log(`${section} done in ${Math.round((Date.now() - t) / 1000)} s`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      results.errors.push({ section, message });
      log(`${section} FAILED: ${message}`);
    }
  };

  await attempt('history', async () => {
    results.history = await runHistory({ restHours: o.restHours, log });
  });

  /**
   * Runs `f` on a fresh stack of `profile` when any of `sections` is selected; stops the stack after, keeping its logs
   * when something failed. A stack that does not start is recorded as an error of `stack (<label>)`.
   */
  const withStack = async (
    sections: Section[],
    profile: StackProfile,
    label: string,
    f: (s: BenchStack) => Promise<void>,
    agoraRps?: number,
  ) => {
    if (!sections.some((x) => only.has(x))) return;
    const errorsBefore = results.errors.length;
    try {
      log(`starting the stack ${label}…`);
      current = await startBenchStack(profile, {
        logLevel: opts.logLevel,
        log,
        onWorkDir: (dir) => (currentDir = dir),
        ...(agoraRps ? { agoraRps } : {}),
      });
      await f(current);
    } catch (e) {
      results.errors.push({ section: `stack (${label})`, message: e instanceof Error ? e.message : String(e) });
      log(`stack FAILED: ${String(e)}`);
    } finally {
      const s = current;
      current = undefined;
      await s?.stop(results.errors.length > errorsBefore);
      currentDir = undefined;
    }
  };

  await withStack(
    ['latency', 'economy'],
    'agora',
    `with Agora limits (10 requests/s, 50 concurrent; worker rate ${o.agoraRps}/s)`,
    async (s) => {
      await attempt('latency', async () => {
        results.latency = await runLatency(s, { samples: o.latencySamples, gapMs: o.gapMs, log });
      });
      await attempt('economy', async () => {
        results.economy = await runEconomy(s, {
          recordings: o.economyRecordings,
          layouts: o.layouts,
          workerRequestsPerSecond: o.agoraRps,
          log,
        });
      });
    },
    o.agoraRps,
  );
  // Throughput and density each on a fresh stack: the dev server's cost per operation grows with what it holds.
  await withStack(['throughput'], 'unthrottled', 'with Agora limits lifted, for throughput', (s) =>
    attempt('throughput', async () => {
      results.throughput = await runThroughput(s, {
        rounds: o.throughputRounds,
        batch: o.throughputBatch,
        concurrency: o.concurrency,
        log,
      });
    }),
  );
  await withStack(['density'], 'unthrottled', 'with Agora limits lifted, for density', (s) =>
    attempt('density', async () => {
      results.density = await runDensity(s, {
        steps: o.density,
        idleSeconds: o.idleSeconds,
        progressSeconds: o.progressSeconds,
        settleSeconds: o.settleSeconds,
        drainSeconds: o.drainSeconds,
        concurrency: o.concurrency,
        log,
      });
    }),
  );

  results.meta.finishedAt = new Date().toISOString();
  fs.mkdirSync(opts.out, { recursive: true });
  const stamp = results.meta.finishedAt.replace(/[:.]/g, '-');
  const json = JSON.stringify(results, null, 2) + '\n';
  fs.writeFileSync(path.join(opts.out, `${stamp}.json`), json);
  fs.writeFileSync(path.join(opts.out, 'latest.json'), json);
  const md = markdown(results);
  fs.writeFileSync(path.join(opts.out, 'latest.md'), md);
  console.log(`\n${md}`);
  log(`results: ${path.join(opts.out, `${stamp}.json`)} (and latest.json, latest.md)`);
  return results.errors.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
