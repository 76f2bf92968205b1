/**
 * Scenario bookkeeping for the fault suite's report.
 *
 * Each fault-suite file declares its scenarios with {@link scenario}: a Jest test whose body returns the observed
 * outcome (one line). After the file, {@link writeReport} stores the file's results in test-results/faults/<file>.json
 * (support/results.ts; ignored by git), on every run: `npm test` refreshes the CI part, `npm run test:faults` the whole
 * suite. No run writes a tracked file: `npm run faults:report` (scripts/faults-report.ts) renders the last results into
 * docs/reliability.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isCi, relativeTestFile, resultsPath, type FileResults, type ScenarioResult } from './results';

const results: ScenarioResult[] = [];
let declared = 0;
const fileStarted = Date.now();

/**
 * Whether every scenario declared in this test file ran and passed within its time (one that Jest timed out counts as
 * failed, even if its function finished later).
 */
export const allScenariosPassed = (): boolean => results.filter((r) => r.status === 'pass').length === declared;

/**
 * Declares a scenario: a Jest test that records its outcome for docs/reliability.md.
 * @param fn runs the scenario, asserts, and returns the observed outcome in a line
 */
export function scenario(
  group: string,
  name: string,
  expected: string,
  timeoutMs: number,
  fn: () => Promise<string>,
): void {
  declared++;
  it(
    name,
    async () => {
      const t0 = Date.now();
      const seconds = () => Math.round((Date.now() - t0) / 100) / 10;
      try {
        const outcome = await fn();
        // Jest has already failed a scenario that outlived its timeout; one finishing later must not read as passed.
        const late = Date.now() - t0 >= timeoutMs;
        results.push({
          group,
          scenario: name,
          expected,
          outcome: late ? `timed out after ${timeoutMs / 1000} s (finished later: ${outcome})` : outcome,
          status: late ? 'fail' : 'pass',
          seconds: seconds(),
        });
      } catch (e) {
        const message = (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 4).join(' ');
        results.push({
          group,
          scenario: name,
          expected,
          outcome: message.slice(0, 400),
          status: 'fail',
          seconds: seconds(),
        });
        throw e;
      }
    },
    timeoutMs,
  );
}

/** Writes this file's results to test-results/faults/ (ignored by git; `npm run faults:report` renders them). */
export function writeReport(testFile: string): void {
  const file = relativeTestFile(testFile);
  if (results.length === 0) return;
  const jsonPath = resultsPath(file);
  fs.mkdirSync(path.dirname(jsonPath), { recursive: true });
  let mine: FileResults = {
    file,
    ci: isCi(file),
    ranAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - fileStarted) / 1000),
    results,
  };
  if (results.length < declared && fs.existsSync(jsonPath)) {
    // A filtered run (-t): update the scenarios that ran, keep the others' last results and the file's timing.
    const last = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as FileResults;
    const key = (r: ScenarioResult) => `${r.group}\n${r.scenario}`;
    const ran = new Map(results.map((r) => [key(r), r]));
    const merged = last.results.map((r) => ran.get(key(r)) ?? r);
    for (const r of results) if (!last.results.some((l) => key(l) === key(r))) merged.push(r);
    mine = { ...last, results: merged };
  }
  fs.writeFileSync(jsonPath, JSON.stringify(mine, null, 2) + '\n');
}
