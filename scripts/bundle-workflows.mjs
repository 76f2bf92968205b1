// Prebuilds the workflow bundle for production workers: lib/workflows (compiled by `tsc -p tsconfig.build.json`)
// → lib/workflow-bundle.js. src/worker.ts loads it when it runs from lib/ (or from WORKFLOW_BUNDLE_PATH), so a
// production worker starts without webpack. Run by `npm run build`.
import { createRequire } from 'node:module';
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { bundleWorkflowCode } = require('@temporalio/worker');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The same bundler options as a worker that bundles at start: the workflow modules are preloaded (shared by every
// cached workflow instead of evaluated for each one; see workflowBundlerOptions in src/worker.ts).
const { workflowBundlerOptions } = require(path.join(root, 'lib/worker.js'));
const workflowsPath = require.resolve(path.join(root, 'lib/workflows'));
const out = path.join(root, 'lib/workflow-bundle.js');

const { code } = await bundleWorkflowCode({
  workflowsPath,
  ...workflowBundlerOptions(workflowsPath),
  logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
});
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, code);
console.log(`workflow bundle: ${path.relative(root, out)} (${(code.length / 1024).toFixed(0)} KiB)`);
