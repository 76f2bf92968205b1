/**
 * CI's block of the seeded simulation (issue 17): seeds 1..200 (SIM_CI_SEEDS) on the real workflow, activities, Agora
 * client and NCS receiver, against the emulator on the time-skipping test server (test/sim/driver.ts). Every invariant must hold for
 * every seed; a failure names the failing seeds, what they violated and the command that replays each.
 */
import { invariantIds, invariantNames } from './invariants';
import {
  describeFailure,
  replayCommand,
  runSeeds,
  summarise,
  tableMarkdown,
  writeResults,
  type SeedOutcome,
} from './report';

const FROM = 1;
/**
 * Seeds in CI: the block of at least 200, within 10 minutes (about 4.5 minutes on the 2-core CI machine with
 * the stacks below). SIM_CI_SEEDS changes it for a local run.
 */
const COUNT = Number(process.env.SIM_CI_SEEDS ?? 200);
/**
 * Independent stacks (test server, emulator, receiver, workers) sharing the seeds, one recording in flight on each
 * (test/sim/report.ts runSeeds): the driver mostly waits on the servers, so eight overlap well on two cores (200 seeds:
 * 4 stacks x 4 lanes 13 min, 8 x 1 4.3 min).
 */
const STACKS = 8;
const LANES = 1;

jest.setTimeout(15 * 60_000);

let outcomes: SeedOutcome[] = [];

beforeAll(async () => {
  const seeds = Array.from({ length: COUNT }, (_, i) => FROM + i);
  const run = await runSeeds(seeds, undefined, LANES, STACKS);
  outcomes = run.outcomes;
  const summary = summarise(outcomes, run.realMs);
  writeResults(summary, outcomes);
  process.stdout.write(
    `\nsim seeds ${FROM}..${FROM + COUNT - 1}: ${(run.realMs / 1000).toFixed(0)} s (${summary.secondsPerSeed.toFixed(2)} s/seed)\n${tableMarkdown(summary)}\n`,
  );
});

describe(`seeds ${FROM}..${FROM + COUNT - 1}`, () => {
  it('ran every seed', () => {
    expect(outcomes.map((o) => o.seed)).toEqual(Array.from({ length: COUNT }, (_, i) => FROM + i));
  });

  for (const id of invariantIds) {
    it(`invariant ${id}: ${invariantNames[id]}`, () => {
      const failing = outcomes.filter((o) => o.violations.some((v) => v.invariant === id));
      const message = failing
        .map(
          (o) =>
            `seed ${o.seed}: ${o.violations
              .filter((v) => v.invariant === id)
              .map((v) => v.message)
              .join(' | ')}\n  replay: ${replayCommand(o.seed)}`,
        )
        .join('\n');
      if (failing.length > 0) process.stdout.write(failing.map(describeFailure).join('\n') + '\n');
      expect({ invariant: id, violations: failing.length, seeds: message }).toEqual({
        invariant: id,
        violations: 0,
        seeds: '',
      });
    });
  }
});
