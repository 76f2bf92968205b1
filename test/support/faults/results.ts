/**
 * Where the fault suite keeps its last results, and their shape: test-results/faults/<file>.json, one per test file
 * of test/faults (e.g. test-results/faults/long/agora.test.json for test/faults/long/agora.test.ts). The folder is
 * ignored by git: runs write there only. `npm run faults:report` (scripts/faults-report.ts) renders them into
 * docs/reliability.md. No Jest here: the report script imports this module too.
 */
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(__dirname, '../../..');
/** The fault suite's test files. */
export const faultsDir = path.join(root, 'test/faults');
export const resultsDir = path.join(root, 'test-results/faults');
/** The long part: run only by `npm run test:faults` (jest.config.js ignores it). */
export const longPart = 'long/';

/** One scenario's last outcome. */
export interface ScenarioResult {
  group: string;
  scenario: string;
  expected: string;
  outcome: string;
  status: 'pass' | 'fail';
  seconds: number;
}

/** One file's last run. */
export interface FileResults {
  /** The test file, relative to test/faults (`agora.test.ts`, `long/agora.test.ts`). */
  file: string;
  /** Runs inside `npm test` (CI) or only in `npm run test:faults` (the long part). */
  ci: boolean;
  ranAt: string;
  seconds: number;
  results: ScenarioResult[];
}

/** A test file's name relative to test/faults, with '/' separators. */
export const relativeTestFile = (testFile: string): string =>
  path.relative(faultsDir, testFile).split(path.sep).join('/');

export const isCi = (file: string): boolean => !file.startsWith(longPart);

/** The results file of a test file (relative to test/faults). */
export const resultsPath = (file: string): string => path.join(resultsDir, file.replace(/\.ts$/, '.json'));

/** Every file under `dir` (recursively) whose name ends in `suffix`, relative to `dir` with '/' separators, sorted. */
export function listFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f.endsWith(suffix))
    .sort();
}
