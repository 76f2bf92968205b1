/**
 * Simulation results: running a block of seeds, the invariant table, the replay command of a failing seed, the JSON
 * results (test-results/sim/) and the marked section of docs/reliability.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createStack, runScenario, runScenarios, type SeedFacts, type SimStack } from './driver';
import { checkInvariants, invariantIds, invariantNames, type InvariantId, type Violation } from './invariants';
import { drawScenario, type Scenario } from './scenario';

/** The outcome of one seed. */
export interface SeedOutcome {
  seed: number;
  violations: Violation[];
  facts: SeedFacts;
  scenario: Scenario;
}

/** One row of the invariant table. */
export interface InvariantRow {
  invariant: InvariantId;
  name: string;
  checked: number;
  violations: number;
  firstFailing: number[];
}

/** Aggregated results of a run. */
export interface RunSummary {
  from: number;
  to: number;
  seeds: number;
  failingSeeds: number[];
  rows: InvariantRow[];
  secondsPerSeed: number;
  /** lateTimer: the largest lateness of an emulator timer, in ms, and the seed it happened in (replay it to look). */
  maxDriftMs: { requestCatchUp: number; lateTimer: number; lateTimerSeed?: number };
  date: string;
}

/** The one command that replays a seed. */
export const replayCommand = (seed: number): string => `npm run sim -- --seed ${seed}`;

/** Runs one seed on a stack and checks it. */
export async function runSeed(stack: SimStack, seed: number): Promise<SeedOutcome> {
  const scenario = drawScenario(seed);
  const facts = await runScenario(stack, scenario);
  return { seed, scenario, facts, violations: checkInvariants(scenario, facts) };
}

/**
 * Runs `seeds` on one stack, `lanes` recordings in flight at once (test/sim/driver.ts runScenarios); `onSeed` after
 * each. Outcomes come back in seed order.
 */
export async function runSeeds(
  seeds: number[],
  onSeed: (o: SeedOutcome, done: number) => void = () => undefined,
  lanes = 1,
  stacks = 1,
): Promise<{ outcomes: SeedOutcome[]; realMs: number }> {
  const t0 = Date.now();
  const all = await Promise.all(Array.from({ length: Math.max(1, stacks) }, () => createStack()));
  const outcomes: SeedOutcome[] = [];
  fs.mkdirSync(resultsDir, { recursive: true });
  const progress = path.join(resultsDir, 'progress.log');
  fs.writeFileSync(progress, '');
  const scenarios = new Map(seeds.map((seed) => [seed, drawScenario(seed)]));
  // One queue of scenarios shared by every stack: each takes the next seed when a lane of its own frees up.
  const queue = scenarios.values();
  const onFacts = (facts: SeedFacts): void => {
    const scenario = scenarios.get(facts.seed)!;
    const o: SeedOutcome = { seed: facts.seed, scenario, facts, violations: checkInvariants(scenario, facts) };
    outcomes.push(o);
    fs.appendFileSync(
      progress,
      `${new Date().toISOString()} seed ${o.seed}: ${o.violations.length} violation(s), ${(facts.realMs / 1000).toFixed(1)} s real, ${(facts.simulatedMs / 1000).toFixed(0)} s simulated${facts.notes.length ? ` (${facts.notes.join('; ')})` : ''}\n`,
    );
    onSeed(o, outcomes.length);
  };
  try {
    await Promise.all(all.map((stack) => runScenarios(stack, queue, lanes, onFacts)));
  } finally {
    for (const stack of all) await stack.close();
  }
  outcomes.sort((a, b) => a.seed - b.seed);
  return { outcomes, realMs: Date.now() - t0 };
}

/** The invariant table of a run. */
export function summarise(outcomes: SeedOutcome[], realMs: number): RunSummary {
  const seeds = outcomes.map((o) => o.seed);
  const rows: InvariantRow[] = invariantIds.map((id) => {
    const failing = outcomes.filter((o) => o.violations.some((x) => x.invariant === id)).map((o) => o.seed);
    return {
      invariant: id,
      name: invariantNames[id],
      checked: outcomes.length,
      violations: failing.length,
      firstFailing: failing.slice(0, 8),
    };
  });
  // The seed whose emulator timer ran latest (if any ran late at all).
  const latest = outcomes.reduce<SeedOutcome | undefined>(
    (worst, o) => (o.facts.drift.maxLateTimerMs > (worst?.facts.drift.maxLateTimerMs ?? 0) ? o : worst),
    undefined,
  );
  return {
    from: Math.min(...seeds),
    to: Math.max(...seeds),
    seeds: outcomes.length,
    failingSeeds: outcomes.filter((o) => o.violations.length > 0).map((o) => o.seed),
    rows,
    secondsPerSeed: outcomes.length ? realMs / 1000 / outcomes.length : 0,
    maxDriftMs: {
      requestCatchUp: Math.max(0, ...outcomes.map((o) => o.facts.drift.maxRequestLagMs)),
      lateTimer: latest?.facts.drift.maxLateTimerMs ?? 0,
      lateTimerSeed: latest?.seed,
    },
    date: new Date().toISOString().slice(0, 10),
  };
}

/** The table as Markdown. */
export function tableMarkdown(s: RunSummary): string {
  const lines = [
    '| # | invariant | seeds checked | violations | first failing seeds |',
    '| - | --------- | ------------- | ---------- | ------------------- |',
    ...s.rows.map(
      (r) => `| ${r.invariant} | ${r.name} | ${r.checked} | ${r.violations} | ${r.firstFailing.join(', ') || '–'} |`,
    ),
  ];
  return lines.join('\n');
}

/** A failing seed as text: its violations, its schedule and the replay command. */
export function describeFailure(o: SeedOutcome): string {
  return [
    `seed ${o.seed}: ${o.violations.length} violation(s)`,
    ...o.violations.map((x) => `  [${x.invariant}] ${x.message}`),
    `  result: ${JSON.stringify(o.facts.result ? { ending: o.facts.result.ending, reason: o.facts.result.reason, sid: o.facts.result.sid, taskMayStillRun: o.facts.result.taskMayStillRun, uploadingStatus: o.facts.result.uploadingStatus, files: o.facts.result.fileList.length, lastError: o.facts.result.lastError?.type } : o.facts.closeStatus)}`,
    `  tasks: ${JSON.stringify(o.facts.tasksAtClose.map((t) => ({ sid: t.sid, phase: t.phase, endReason: t.endReason, startedAt: t.startedAt - o.facts.startedAt, exitedAt: t.exitedAt === undefined ? undefined : t.exitedAt - o.facts.startedAt })))}`,
    `  schedule: ${JSON.stringify(o.scenario, null, 2).replace(/\n/g, '\n  ')}`,
    `  replay: ${replayCommand(o.seed)}`,
  ].join('\n');
}

const resultsDir = path.resolve(__dirname, '../../test-results/sim');

/** Writes the run's JSON (summary and every failing seed) to test-results/sim/; returns the file path. */
export function writeResults(summary: RunSummary, outcomes: SeedOutcome[]): string {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `sim-${summary.from}-${summary.to}-${Date.now()}.json`);
  const failing = outcomes
    .filter((o) => o.violations.length > 0)
    .map((o) => ({
      seed: o.seed,
      violations: o.violations,
      replay: replayCommand(o.seed),
      scenario: o.scenario,
      result: o.facts.result,
      tasksAtClose: o.facts.tasksAtClose,
      calls: o.facts.calls.map((c) => ({
        at: c.at - o.facts.startedAt,
        endpoint: c.endpoint,
        httpStatus: c.httpStatus,
        code: c.code,
        fault: c.fault,
        committed: c.committed,
      })),
    }));
  fs.writeFileSync(file, JSON.stringify({ summary, failing }, null, 1) + '\n');
  return file;
}

const intro = [
  '`npm run sim -- --seeds N [--from S] [--seed S]` (test/sim/) runs seeded scenarios on the real workflow, activities,',
  'Agora client and NCS receiver, against the emulator on the time-skipping test server, and checks six invariants after',
  'each seed. `npm test` runs seeds 1..200 (test/sim/sim.test.ts); every seed that ever failed is a named regression',
  '(test/sim/regressions.test.ts). The section between the markers below is rewritten by `npm run sim -- --report`',
  '(default with `--seeds >= 1000`).',
].join(' ');

const docsFile = path.resolve(__dirname, '../../docs/reliability.md');
export const BEGIN = '<!-- sim:begin -->';
export const END = '<!-- sim:end -->';

/** The marked section's content. */
export function reportSection(s: RunSummary, command: string): string {
  return [
    BEGIN,
    '',
    `Last run: \`${command}\` on ${s.date}, seeds ${s.from}..${s.to} (${s.seeds} seeds, ${s.secondsPerSeed.toFixed(2)} s per seed on the machine that ran it; largest emulator-timer lateness ${s.maxDriftMs.lateTimer} ms${s.maxDriftMs.lateTimerSeed === undefined ? '' : `, seed ${s.maxDriftMs.lateTimerSeed}`}). Written by the simulation (test/sim/report.ts); do not edit by hand.`,
    '',
    tableMarkdown(s),
    '',
    s.failingSeeds.length === 0
      ? 'No seed violated an invariant.'
      : `${s.failingSeeds.length} seed(s) violated at least one invariant; replay one with \`npm run sim -- --seed S\`: ${s.failingSeeds.slice(0, 30).join(', ')}${s.failingSeeds.length > 30 ? ', ...' : ''}.`,
    '',
    END,
  ].join('\n');
}

/**
 * Rewrites the marked section of docs/reliability.md (appends a section with the markers when there is none), formatted
 * by Prettier so `npm run lint` accepts the page.
 */
export async function writeReport(s: RunSummary, command: string, file = docsFile): Promise<void> {
  const text = fs.readFileSync(file, 'utf8');
  const section = reportSection(s, command);
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const next =
    begin >= 0 && end > begin
      ? text.slice(0, begin) + section + text.slice(end + END.length)
      : `${text.trimEnd()}\n\n## Simulation (issue 17)\n\n${intro}\n\n${section}\n`;
  // Loaded here, not at the top: prettier's CommonJS entry imports ESM, which Jest's module runtime refuses.
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(next, { ...options, filepath: file }));
}
