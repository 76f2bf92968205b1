/**
 * Scenario bookkeeping and the generated docs/reliability.md.
 *
 * Each fault-suite file declares its scenarios with {@link scenario}: a Jest test whose body returns the observed
 * outcome (one line). After the file, {@link writeReport} stores the file's results in test/faults/results/<file>.json
 * and regenerates docs/reliability.md from every results file, so the document always shows the last run of each
 * file: `npm test` refreshes the CI files, `npm run test:faults` all of them. Both are formatted with prettier, so
 * `prettier --check .` stays clean.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const resultsDir = path.join(root, 'test/faults/results');
const docPath = path.join(root, 'docs/reliability.md');

/** Formats with the project's prettier, in a child process (prettier 3 loads ES modules, which Jest's VM cannot). */
function format(text: string, filepath: string): string {
  return execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/prettier/bin/prettier.cjs'), '--stdin-filepath', filepath],
    {
      cwd: root,
      input: text,
      encoding: 'utf8',
    },
  );
}

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
interface FileResults {
  file: string;
  /** Runs inside `npm test` (CI) or only in `npm run test:faults`. */
  ci: boolean;
  ranAt: string;
  seconds: number;
  results: ScenarioResult[];
}

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

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

/** Writes this file's results and regenerates docs/reliability.md. */
export function writeReport(testFile: string): void {
  // Only a deliberate run rewrites these tracked files (`npm run test:faults` sets FAULTS_REPORT=1); `npm test` only checks.
  if (!process.env.FAULTS_REPORT) return;
  const file = path.basename(testFile);
  const ci = !file.endsWith('.faults.test.ts');
  if (results.length === 0) return;
  fs.mkdirSync(resultsDir, { recursive: true });
  const jsonPath = path.join(resultsDir, file.replace(/\.ts$/, '.json'));
  let mine: FileResults = {
    file,
    ci,
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
  fs.writeFileSync(jsonPath, format(JSON.stringify(mine), jsonPath));

  const all: FileResults[] = fs
    .readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(resultsDir, f), 'utf8')) as FileResults);
  fs.writeFileSync(docPath, format(render(all), docPath));
}

function render(files: FileResults[]): string {
  const ciFiles = files.filter((f) => f.ci);
  const fullFiles = files.filter((f) => !f.ci);
  const sum = (fs: FileResults[]) => fs.reduce((n, f) => n + f.seconds, 0);
  const total = files.reduce((n, f) => n + f.results.length, 0);
  const passed = files.reduce((n, f) => n + f.results.filter((r) => r.status === 'pass').length, 0);
  const lines: string[] = [
    '# Reliability: the fault and abuse suite',
    '',
    '<!-- GENERATED by test/faults/support/report.ts from test/faults/results/*.json: do not edit by hand. -->',
    '',
    'Durability is why recordings run on Temporal. This suite shows it under the faults that break recording',
    'products in practice — worker crashes, Agora outages and throttling, lost and disordered notifications, hostile',
    'callbacks, bad input — against real processes: the Temporal dev server (`.tools/bin/temporal`), the Agora',
    'emulator over HTTP, the NCS receiver and the worker, each its own process (`startStack()` of `src/demo.ts`).',
    'Each scenario asserts its outcome; the table is written from the last run of each test file.',
    '',
    `Last results: **${passed} of ${total} scenarios passed**.`,
    '',
    '## How to run, and what CI runs',
    '',
    '- `npm run test:faults` runs every file of `test/faults` (the whole suite) and rewrites this page and',
    '  `test/faults/results/*.json` (FAULTS_REPORT=1); other runs only check.',
    '- `npm test` (CI) runs the files named `*.test.ts`; the heavy ones are named `*.faults.test.ts` and excluded by',
    '  `testPathIgnorePatterns` in `jest.config.js`.',
    '',
    '| file | in CI (`npm test`) | last run (UTC) | duration | scenarios |',
    '| --- | --- | --- | --- | --- |',
    ...files.map(
      (f) =>
        `| \`${f.file}\` | ${f.ci ? 'yes' : 'no (test:faults)'} | ${f.ranAt.slice(0, 16).replace('T', ' ')} | ${f.seconds} s | ${f.results.filter((r) => r.status === 'pass').length}/${f.results.length} passed |`,
    ),
    '',
    `CI subset: ${sum(ciFiles)} s of test time; the files only in \`test:faults\`: ${sum(fullFiles)} s; the whole suite: ${sum(files)} s (2 cores).`,
    '',
    '## Scenarios and outcomes',
    '',
  ];
  for (const f of files) {
    lines.push(`### \`${f.file}\`${f.ci ? '' : ' (test:faults only)'}`, '');
    lines.push('| scenario | expected | outcome (last run) | result | time |', '| --- | --- | --- | --- | --- |');
    for (const r of f.results) {
      lines.push(
        `| ${cell(`${r.group}: ${r.scenario}`)} | ${cell(r.expected)} | ${cell(r.outcome)} | ${r.status === 'pass' ? 'pass' : '**FAIL**'} | ${r.seconds} s |`,
      );
    }
    lines.push('');
  }
  lines.push(...notes);
  return lines.join('\n') + '\n';
}

/** Fixed notes appended to the generated document. */
const notes: string[] = [
  '## Notes',
  '',
  '- Durations are wall-clock seconds on the 2-core machine, from the start of each file (stack start included) to its',
  "  end; Jest's TypeScript compilation (about 20 s per file) comes on top.",
  '- "Exactly one start and one stop": a call in flight when the worker dies is retried by Temporal on the restarted',
  '  worker, and Agora answers the retry 201/code 7 (start) or 400/code 49 (stop), which changes nothing. The kill',
  '  scenarios therefore assert exactly one Agora task, exactly one start answered 200 and exactly one stop that ended',
  '  the task, and list every start/stop answer; where nothing was in flight (acquiring, recording, uploading) they also',
  '  assert exactly one start call and one stop call.',
  '- Time is not scaled: the emulator runs on a wall clock at speed 1 and the workflows on real Temporal time, so the',
  '  20-recording outage keeps its full 2-minute window (its recordings start, record and are stopped inside it).',
  "- How states are held for the kills: real-time latency on acquire, start and stop (8 s, under the activities'",
  '  start-to-close timeouts); for uploading, a `backuped` upload whose `uploaded` follows 20 s later and a',
  '  session_exit delayed 30 s.',
  '- Secrets: every file ends with a scan of every workflow history in its Temporal namespace, every line the four',
  '  processes printed (dev server, emulator, receiver, worker), the emulator call and notification logs, and every',
  '  error text and HTTP answer the scenarios saw, for the Agora customer secret, the NCS secret, the storage keys and',
  '  the Basic auth header (plain and base64).',
  '',
  '## What this suite found (fixed)',
  '',
  '- A stop answered 404 during an HA failover was taken as "task gone": the workflow completed and the task went on',
  '  recording (and billing) after the failover. Fixed in `src/workflows/finish.ts`: a requested stop answered 404 is',
  '  sent again every 10 s until session_exit or the end of `failoverWindowSeconds`.',
  '- A 429 storm of 6 s or more failed recordings at acquire: Agora sends no Retry-After, so every retry waited the',
  "  client's flat 1 s default and acquire's 6 attempts were spent in 5 s. Fixed in `src/activities/failures.ts`:",
  '  the delay doubles per attempt (capped at 30 s).',
  '- An unknown storage profile passed the client library and the CLI, started a workflow and spent an Agora acquire',
  "  before failing. Fixed in `src/client.ts`: with the workers' profile names (option `storageProfiles`, or read by",
  '  `RecordingClient.connect()` and so the CLI from `STORAGE_PROFILES` / `STORAGE_PROFILE_*`), start refuses it with',
  '  an error naming `storage.profile`. A client without the names (another SDK) still starts the workflow, which',
  '  fails at its start call with `UnknownStorageProfile` after one acquire whose resourceId expires unused.',
];
