/**
 * Determinism: every history saved from the workflow tests (test/fixtures/histories, written by running the tests with
 * SAVE_HISTORIES=1) replays against the current workflow code. Sub-folders keep the histories of earlier code
 * (before-local-activities/: acquire and updateLayout as regular activities; before-local-activities-extra/: more
 * histories recorded by that same code, at commit 95da24e, for paths the first set missed); the top level holds the
 * current ones. A change that alters the commands a recorded history expects fails here before it can break recordings
 * that are running in production.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundlerOptions } from '../../src/worker';
import { fixtureToHistory } from '../support/workflows';

const fixturesDir = path.resolve(__dirname, '../fixtures/histories');
const fixtures = fs
  .readdirSync(fixturesDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  // Bundled as the worker bundles it (preloaded workflow modules, shared by the workflows that replay one after the
  // other in one reusable V8 context): a module-level state that leaked from one run to the next would show here.
  const workflowsPath = require.resolve('../../src/workflows');
  bundle = await bundleWorkflowCode({
    workflowsPath,
    ...workflowBundlerOptions(workflowsPath),
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
  });
});

test('the saved histories cover the lifecycle', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(15);
  for (const name of [
    'mix-happy-path',
    'start-window-reacquire',
    'start-lost-recovered',
    'idle-exit',
    'cancelled',
    'continue-as-new.run1',
    'continue-as-new.run2',
    'idle-hour',
    // A failover recorder's recorder_started in a continued run: the old code called patched() there (it wrote a
    // marker), so the current code must call it there too.
    'before-local-activities-extra/failover-recorder-started-after-continue-as-new.run3',
  ]) {
    expect(fixtures).toContain(`${name}.json`);
  }
});

test('every saved history replays without a determinism error', async () => {
  const histories = fixtures.map((file) => ({
    workflowId: file.replace(/\.json$/, ''),
    history: fixtureToHistory(fs.readFileSync(path.join(fixturesDir, file), 'utf8')),
  }));
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
  }
  expect(failures).toEqual([]);
});
