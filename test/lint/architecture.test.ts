// The architecture of docs/architecture.md ("Modules") is enforced by eslint.config.mjs. Each case lints a real file
// of a folder with one import added and expects the folder's rule to refuse it (or, for allowed imports, to stay
// quiet), so a rule that stops matching fails here rather than letting the walls leak silently.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** A real .ts file of the folder, or the file itself (the rule is chosen by path; the text is ours). */
function fileIn(folder: string): string {
  if (folder.endsWith('.ts')) return path.join(root, folder);
  const dir = path.join(root, folder);
  const name = fs.readdirSync(dir).find((f) => f.endsWith('.ts'));
  if (!name) throw new Error(`no .ts file in ${folder}`);
  return path.join(dir, name);
}

// ESLint loads eslint.config.mjs with a dynamic import, which Jest's module system cannot run: the cases are linted in
// one plain Node process, started once.
const linter = `
const { ESLint } = require('eslint');
const fs = require('node:fs');
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const { filePath, prefix } of JSON.parse(fs.readFileSync(0, 'utf8'))) {
    const [result] = await eslint.lintText(prefix + fs.readFileSync(filePath, 'utf8'), { filePath });
    out.push(result.messages.filter((m) => m.line <= prefix.split('\\n').length - 1).map((m) => m.ruleId || 'fatal: ' + m.message));
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

/** The rule ids that fire on the lines of each case's prefix, added to the top of its file. */
function lint(cases: { filePath: string; prefix: string }[]): string[][] {
  const out = execFileSync(process.execPath, ['-e', linter], {
    cwd: root,
    input: JSON.stringify(cases),
    maxBuffer: 1e7,
  });
  return JSON.parse(out.toString()) as string[][];
}

const forbidden: [folder: string, importLine: string][] = [
  ['src/contract', "import axios from 'axios';"],
  ['src/contract', "import { z } from 'zod';"],
  ['src/contract', "import { uidSchema } from '../agora/schemas';"],
  ['src/contract', "import { Client } from '@temporalio/client';"],
  ['src/workflows', "import { z } from 'zod';"],
  ['src/workflows', "import fs from 'node:fs';"],
  ['src/workflows', "import { CloudRecordingClient } from '../agora/client';"],
  ['src/workflows', "import type { NcsNotification } from '../agora/notifications';"],
  ['src/workflows', "import { createActivities } from '../activities';"],
  ['src/workflows', "import { Client } from '@temporalio/client';"],
  ['src/workflows', "import { defineSearchAttributeKey } from '@temporalio/common';"],
  ['src/agora', "import { Client } from '@temporalio/client';"],
  ['src/agora', "import { ApplicationFailure } from '@temporalio/common';"],
  ['src/agora', "import { recordingWorkflow } from '../workflows';"],
  // the contract's index loads @temporalio/workflow (the signal definitions): agora takes its data modules
  ['src/agora', "import { NcsEvent } from '../contract';"],
  ['src/workflows', "import { CloudRecordingClient } from './../agora/client';"],
  ['src/contract', "import { uidSchema } from './../agora/schemas';"],
  ['src/activities', "import { Client } from '@temporalio/client';"],
  ['src/activities', "import { recordingWorkflow } from '../workflows';"],
  ['src/receiver', "import { Worker } from '@temporalio/worker';"],
  ['src/receiver', "import { now } from '../workflows/state';"],
  ['src/receiver', "import { CloudRecordingClient } from '../agora/client';"],
  ['src/receiver/receiver.ts', "import { loadReceiverConfig } from '../config';"],
  ['src/emulator', "import { Client } from '@temporalio/client';"],
  ['src/emulator', "import { now } from '../workflows/state';"],
  ['src/emulator', "import { CloudRecordingClient } from '../agora/client';"],
  ['src/emulator', "import { stopSignal } from '../contract';"],
  ['src/config', "import { Client } from '@temporalio/client';"],
  ['src/config', "import { RecordingClient } from '../client';"],
];

const allowed: [folder: string, importLine: string][] = [
  ['src/contract', "import { defineSignal } from '@temporalio/workflow';"],
  ['src/workflows', "import { sleep } from '@temporalio/workflow';"],
  ['src/workflows', "import { NcsEvent } from '../contract';"],
  ['src/agora', "import { NcsEvent } from '../contract/ncs';"],
  ['src/receiver/main.ts', "import { loadReceiverConfig } from '../config';"],
  ['src/activities', "import { CloudRecordingClient } from '../agora/client';"],
  ['src/receiver', "import { Client } from '@temporalio/client';"],
  ['src/receiver', "import { verifyNcsSignature } from '../agora/signature';"],
  ['src/emulator', "import { uidSchema } from '../agora/schemas';"],
];

const architectureRules = ['no-restricted-imports', 'import-x/no-cycle', 'no-restricted-syntax'];
const hits = (ids: string[]) => ids.filter((id) => architectureRules.includes(id) || id.startsWith('fatal'));

describe('the architecture in lint', () => {
  let results: string[][] = [];
  const cycle = {
    // src/contract/index.ts imports ./limits; limits importing the index closes a cycle.
    filePath: path.join(root, 'src/contract/limits.ts'),
    prefix: "import { UID_MAX as max } from './index';\nexport const again = max;\n",
  };

  const emulatorSchema = {
    filePath: fileIn('src/emulator'),
    prefix: "import { z } from 'zod';\nexport const own = z.object({ layoutConfig: z.array(z.unknown()) });\n",
  };

  beforeAll(() => {
    const cases = [...forbidden, ...allowed].map(([folder, line]) => ({
      filePath: fileIn(folder),
      prefix: `${line}\n`,
    }));
    results = lint([...cases, cycle, emulatorSchema]);
  }, 300_000);

  it.each(forbidden.map((c, i) => [...c, i] as const))('%s refuses %s', (_folder, _line, i) => {
    expect(hits(results[i]!)).toContain('no-restricted-imports');
  });

  it.each(allowed.map((c, i) => [...c, forbidden.length + i] as const))('%s allows %s', (_folder, _line, i) => {
    expect(hits(results[i]!)).toEqual([]);
  });

  it('refuses an import cycle', () => {
    expect(results.at(-2)).toContain('import-x/no-cycle');
  });

  it('refuses an Agora request field schema of its own in src/emulator', () => {
    expect(results.at(-1)).toContain('no-restricted-syntax');
  });
});
