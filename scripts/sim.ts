/**
 * `npm run sim -- --seeds N [--from S] [--seed S] [--lanes L] [--stacks K] [--report]`: the seeded simulation of issue 17 (test/sim/). Runs the
 * real recording workflow, activities, Agora client and NCS receiver against the emulator on the time-skipping test
 * server, one seed after another, checks the six invariants after each, prints the table and every failing seed with
 * its schedule and replay command, and writes JSON to test-results/sim/. `--report` (default with --seeds >= 1000)
 * rewrites the marked section of docs/reliability.md.
 */
import { Command, InvalidArgumentError } from 'commander';
import { describeFailure, runSeeds, summarise, tableMarkdown, writeReport, writeResults } from '../test/sim/report';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};

const program = new Command('sim')
  .description('Seeded simulation of recordings under Agora faults, NCS trouble and worker restarts (issue 17).')
  .option('--seeds <n>', 'how many consecutive seeds to run', int('--seeds'), 20)
  .option('--from <s>', 'first seed', int('--from'), 1)
  .option('--seed <s>', 'replay one seed (prints its schedule and facts)', int('--seed'))
  .option('--report', 'rewrite the simulation section of docs/reliability.md (default with --seeds >= 1000)')
  .option('--no-report', 'do not write docs/reliability.md')
  .option('--verbose', 'one line per seed')
  .option('--lanes <n>', 'recordings in flight at once per stack (a replay with --seed runs alone)', int('--lanes'), 1)
  .option(
    '--stacks <n>',
    'independent stacks (test server, emulator, receiver, workers) sharing the seeds; the driver mostly waits on the servers, so several overlap well even on 2 cores',
    int('--stacks'),
    8,
  )
  .addHelpText('after', '\nExit code: 0 when no seed violated an invariant, 1 otherwise.\n')
  .parse();

const opts = program.opts<{
  seeds: number;
  from: number;
  seed?: number;
  report?: boolean;
  verbose?: boolean;
  lanes: number;
  stacks: number;
}>();

async function main(): Promise<number> {
  const seeds = opts.seed !== undefined ? [opts.seed] : Array.from({ length: opts.seeds }, (_, i) => opts.from + i);
  const command =
    opts.seed !== undefined
      ? `npm run sim -- --seed ${opts.seed}`
      : `npm run sim -- --seeds ${opts.seeds} --from ${opts.from}`;
  let violations = 0;
  let lastMark = Date.now();
  const started = Date.now();
  const { outcomes, realMs } = await runSeeds(
    seeds,
    (o, done) => {
      if (o.violations.length > 0) {
        violations++;
        process.stdout.write(describeFailure(o) + '\n');
      } else if (opts.seed !== undefined) {
        process.stdout.write(`seed ${o.seed}: no violation\n${JSON.stringify(o.scenario, null, 2)}\n`);
      }
      if (opts.verbose) {
        const f = o.facts;
        process.stdout.write(
          `seed ${o.seed}: ${o.violations.length === 0 ? 'ok' : `violates ${[...new Set(o.violations.map((x) => x.invariant))].join(',')}`} · ${f.result?.ending ?? f.closeStatus} (${f.result?.reason ?? ''}) · ${(f.simulatedMs / 1000).toFixed(0)} s simulated · ${(f.realMs / 1000).toFixed(1)} s real${f.notes.length ? ` · ${f.notes.join('; ')}` : ''}\n`,
        );
      }
      if (done % 50 === 0) {
        const now = Date.now();
        process.stdout.write(
          `progress: ${done}/${seeds.length} seeds, ${violations} failing so far, ${((now - started) / 1000 / done).toFixed(2)} s/seed (last 50: ${((now - lastMark) / 1000 / 50).toFixed(2)})\n`,
        );
        lastMark = now;
      }
    },
    opts.seed === undefined ? Math.max(1, opts.lanes) : 1,
    opts.seed === undefined ? Math.max(1, opts.stacks) : 1,
  );
  const summary = summarise(outcomes, realMs);
  process.stdout.write(`\n${tableMarkdown(summary)}\n\n`);
  process.stdout.write(
    `${summary.seeds} seeds in ${(realMs / 1000).toFixed(0)} s (${summary.secondsPerSeed.toFixed(2)} s/seed); failing: ${summary.failingSeeds.join(', ') || 'none'}\n`,
  );
  process.stdout.write(`results: ${writeResults(summary, outcomes)}\n`);
  const report = opts.report ?? (opts.seed === undefined && opts.seeds >= 1000);
  if (report) {
    await writeReport(summary, command);
    process.stdout.write('docs/reliability.md: simulation section rewritten\n');
  }
  return summary.failingSeeds.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`sim failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
