/**
 * Every seed that ever failed the simulation (issue 17), by name: what it found, and the seed that replays it. Each must
 * now pass every invariant. Add a row for each new failing seed (`npm run sim` prints them).
 */
import { invariantNames } from './invariants';
import { describeFailure, replayCommand, runSeeds, type SeedOutcome } from './report';

export const regressions: { name: string; seed: number; found: string }[] = [
  {
    name: 'idle exit with session_exit lost ends failed after an hour of stops',
    seed: 6,
    found:
      'nobody joined; recorder_leave (idle) arrived, session_exit was dropped; stop answered 404 beyond the failover window, the workflow reconciled (stop every few minutes) for an hour and ended failed with taskMayStillRun although Agora had ended the task by itself (expected exited)',
  },
  {
    name: 'cancel after an unnoticed idle exit (no NCS) ends cancelled',
    seed: 18,
    found:
      "no NCS; the task idle-exited at 43 s; queries answered 404 inside the failover window; a cancel then sent stop, answered 400/49 (already exiting), and the workflow ended cancelled instead of exited; fixed: a first stop answered 49/404 that nothing contradicts is Agora's exit (checked like a 404 first)",
  },
  {
    name: 'a stop whose first attempt took but lost its answer, retried and answered 49, ends exited',
    seed: 9,
    found:
      'max duration reached; the first stop took but its answer was lost (injected fault), the retry answered 400/49 and the workflow concluded "Agora had already ended the task" (ending exited) although the stop that ended it was its own: expected completed',
  },
  {
    name: "stop update: stop answered 49 on a retry taken as Agora's exit",
    seed: 23,
    found:
      'same path as seed 9 from a stop update (ending exited, reason "Agora had already ended the task (stop answered 49)") although the task ended by our stop',
  },
  {
    name: 'a failover longer than the failover window: exited while the task kept recording',
    seed: 82,
    found:
      'query answered 404 for longer than failoverWindowSeconds during a longer failover; the workflow ended exited ("beyond the failover window") without taskMayStillRun while the task recorded on (a 404 horizon taken as gone); fixed: reconcile until Agora answers or the resourceId expires. Then (2026-12-07) an injected 400/49 on the first stop during the failover was believed: a 49 that no stop of ours explains is now checked like a 404',
  },
  {
    name: 'a stop that took, answered 400/50 (upload timeout), taken for Agora exiting',
    seed: 85,
    found:
      'the first stop took and Agora answered 400/50 (upload timeout); the 49 check stopped again, got a genuine 49 and ended exited although the stop that ended the task was ours (also seeds 110, 115, 144, 178): code 50 now counts as our stop taking',
  },
  {
    name: 'idle exit seen by a query 404, then a stop retried over 500s answered 49: completed',
    seed: 147,
    found:
      'no NCS; a health query answered 404 after the idle exit, then max duration sent a stop that failed three times (500) and was answered 49; the failed attempts made it "maybe our own stop" (completed) although Agora had shown its exit before any stop was sent: signs before the stop now decide',
  },
  {
    name: 'a 400/50 injected on a stop during a failover was believed: orphan',
    seed: 254,
    found:
      'the stop met a failover window (404 underneath) and was answered 400/50 by a fault; taken as "our stop took", the workflow completed while the task recorded on after the failover (also seed 367, cancelled): a 50 is now checked like a 49',
  },
  {
    name: 'a 206/435 after an exit the workflow believed (404s beyond the window) ended exited',
    seed: 280,
    found:
      "a failover's old recorder left (recorder_leave), query 404s outlasted the window, the stop (after 429s) was answered 206/435 by the task back from its failover: our stop ended it, expected no_content (also seed 357)",
  },
  {
    name: 'start answered code 7 without the sid, NCS lost: nothing can name the task',
    seed: 232,
    found:
      'the first start took but its answer was lost; the retry got 201/code 7 without the sid and no recorder_started came (NCS lost): the workflow waited to the resourceId expiry and ended failed with taskMayStillRun, the honest ending; the invariant expected exited (also 268, 321, 389, 406)',
  },
  {
    name: 'a stop attempt answered 500, then 404s: which stop ended it cannot be known',
    seed: 298,
    found:
      'no NCS; Agora idle-exited, the stop failed once (500) and was then answered 404 to the expiry: the workflow said completed (the 500 attempt may have taken), the invariant expected exited; both are true to what the workflow could see',
  },
  {
    name: 'a 49 after 404s, believed because an earlier attempt failed: orphan',
    seed: 963,
    found:
      'cancel during a failover: the stop failed once (503), its retry was answered 404, the stop 10 s later got an injected 49; the failed attempt "explained" the 49, so it was believed and the run closed cancelled while the task came back from its failover and recorded on: a 49 after a 404 of the same stop step is now always checked',
  },
  {
    name: 'a stop that took without content lost its 435: completed with no files is all the workflow can know',
    seed: 1051,
    found:
      'nobody published; the stop took but its 206/435 answer was replaced by an injected 500; the retry met the exiting task (49) and the workflow, whose earlier attempt may have taken, ended completed with no files; the invariant expected no_content. Nothing else tells the workflow there was no content: the invariant now accepts completed with an empty fileList there. Found in the 5,000-seed run on 463028e',
  },
  {
    name: 'a mix query before any content answers fileList "": the result listed a file named ""',
    seed: 1244,
    found:
      'nobody published; max duration; the stop took but its 206/435 was replaced by 206/65, the retry answered 49; the result was completed with one file named "" (from a query answer `fileList: ""`), so the invariant expected no_content. Fixed in the workflow: an empty string fileList is no file. 5,000-seed run on 463028e; seed 1550 is the same',
  },
  {
    name: 'the same empty file name, max duration (second seed of the kind)',
    seed: 1550,
    found: 'as seed 1244: an empty-string fileList became a file; 5,000-seed run on 463028e',
  },
  {
    name: 'idle exit, 404s, a dropped stop, 404s to the expiry: completed with no files is true to what was seen',
    seed: 1530,
    found:
      'no NCS; Agora idle-exited at 26 s; the stop update met 404s, one reconciling stop was dropped (its answer lost), then 404s until the resourceId expired; the workflow ended completed with taskMayStillRun (that attempt may have taken), the invariant expected exited. Invariant relaxed: a faulted stop attempt at any point leaves "our stop" possible. 5,000-seed run on 463028e',
  },
  {
    name: 'query 404s beyond the window, then a stop that took lost its answer: exited is true to what was seen',
    seed: 1653,
    found:
      'no NCS; two failovers back to back; queries 404 for 96 s (beyond the window) so the workflow judged the task exited; the failover ended, a stop took but was answered 206/65, the retry 49; the workflow kept exited, the invariant expected completed. Invariant relaxed: a stop that took but lost its answer after 404/49 answers allows exited. 5,000-seed run on 463028e',
  },
  {
    name: 'idle exit, then a stop update that met 404s and a lost answer (second seed of the 1530 kind)',
    seed: 2057,
    found: 'as seed 1530: completed with taskMayStillRun and no files, expected exited; 5,000-seed run on 463028e',
  },
  {
    name: 'a stop without content whose 435 was lost (second seed of the 1051 kind)',
    seed: 2473,
    found: 'as seed 1051: completed with no files, expected no_content; 5,000-seed run on 463028e',
  },
  {
    name: "emulator: a 400/50 injected over a failover's 404 said a stop took that had not: orphan",
    seed: 4242,
    found:
      'a failover of 108.6 s; the stop update met it and both attempts were answered 400/50 by a committing fault over the committed 404; the workflow checked the first, believed the second and ended exited while the task recorded on (also 2861: one 50 after 404s ended an exit exited; 4776: a 50 then a 49 read as our stop taking). Code 50 is the answer of a recorder whose stop took, and no recorder holds a task that is failing over: the emulator no longer lets a 49/50 rule answer for a failing-over task (src/emulator/server.ts)',
  },
  {
    name: 'emulator: an uncommitted 400/49 during a long failover, while reconciling, believed: orphan',
    seed: 4690,
    found:
      'a failover of 241.9 s against a 101 s window; the old recorder left, query 404s outlasted the window, the workflow reconciled and its stop got an injected 400/49 (no commit) during the failover, which reconciling believes; the task came back and recorded on. Same decision as seed 4242: no 49 for a task that is failing over. And in the workflow (a reviewer found the same orphan reachable after the failover): reconciling now checks a 49 no stop of ours explains with one more stop (RECONCILE_49_CHECKED)',
  },
  {
    name: 'same family as 4242 under load: a 400/50 over a failover 404 (window 26 s)',
    seed: 2829,
    found:
      'failed in the 5,000-seed block under load 11-13: a layout signal met a failover, query 404s outlasted the 26 s window, the stop (429, two drops) was answered 400/50 over the committed 404 and the run ended exited while the task recorded on. Alone the timing differs and the stop misses the failover; it passes before and after the fix',
  },
  {
    name: 'same family as 4242 under load: a 49, then a 400/50 over a failover 404',
    seed: 3505,
    found:
      'failed in the 5,000-seed block under load: max duration sent stop, an uncommitted 49 was checked, the next stop met a failover and was answered 400/50 over the committed 404, read as our stop taking: completed while the task recorded on. Alone it passes (timing)',
  },
  { name: 'same family as 4242: one 400/50 after failover 404s', seed: 2861, found: 'see seed 4242' },
  { name: 'same family as 4242: 400/50 then 400/49 over failover 404s', seed: 4776, found: 'see seed 4242' },
  {
    name: 'a stop answered 400/50, then session_exit before its check: exited, though our stop took',
    seed: 3521,
    found:
      "a failover's old recorder left, health queries failed (500, 429) so the exit was believed unconfirmed after the 24 s window; the stop (after the failover) took and was answered 400/50; session_exit came (while waiting to check the 50 with another stop, or, in a block, while the stop was in flight) and the run ended exited: expected completed. Fixed in the workflow: a 400/50 and a session_exit, in either order, mean our stop took (finish.ts)",
  },
  // The rest of the 5,000-seed run on 463028e (invariant 3 only). Each passes alone on 28574b9, covered by the fixes and
  // invariant rules of 2026-12-07 named above (the kind each is of, by its violation then).
  ...[1698, 2789, 4491, 4517, 4592, 4616].map((seed) => ({
    name: 'completed where a stop took without content (kind of 1051/1244)',
    seed,
    found: 'ending completed but "a stop took (without content): expected no_content"; 5,000-seed run on 463028e',
  })),
  ...[3002, 3068, 3569, 4000, 4606].map((seed) => ({
    name: 'completed after an idle exit Agora made by itself (kind of 1530/2057)',
    seed,
    found: 'ending completed but "Agora ended the task by itself (idle): expected exited"; 5,000-seed run on 463028e',
  })),
  {
    name: 'exited on a recorder_leave where a stop took without content',
    seed: 4993,
    found:
      'ending exited (recorder_leave) but "a stop took (without content): expected no_content"; 5,000-seed run on 463028e',
  },
  {
    name: 'harness: a worker restart left the workflow stuck on the sticky queue',
    seed: 39,
    found:
      "a worker restart at 164.6 s; the next workflow task went to the old worker's sticky queue, which the time-skipping test server never times out: no call after the restart, the run hit the hard cap. Fixed in the harness (workers without a cache), not in the workflow",
  },
];

jest.setTimeout(15 * 60_000);

/** Stacks sharing the named seeds (runSeeds): one at a time took 46-78 s for 13 seeds; they overlap well. */
const STACKS = 8;

const outcomes = new Map<number, SeedOutcome>();
beforeAll(async () => {
  const run = await runSeeds(
    regressions.map((r) => r.seed),
    undefined,
    1,
    STACKS,
  );
  for (const o of run.outcomes) outcomes.set(o.seed, o);
});

describe.each(regressions)('seed $seed: $name', ({ seed }) => {
  it('holds every invariant', () => {
    const o = outcomes.get(seed);
    const found = o
      ? o.violations.map((v) => `[${v.invariant}: ${invariantNames[v.invariant]}] ${v.message}`)
      : ['the seed did not run'];
    if (o && found.length > 0) process.stdout.write(describeFailure(o) + '\n');
    expect({ seed, replay: replayCommand(seed), violations: found }).toEqual({
      seed,
      replay: replayCommand(seed),
      violations: [],
    });
  });
});
