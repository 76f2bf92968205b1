/**
 * Acceptance of issue 3: the emulator validates with the request schemas of src/agora (no second copy that could
 * drift). Each endpoint imports its schema from src/agora/schemas, and no emulator file defines a request field.
 */
import fs from 'node:fs';
import path from 'node:path';

const DIR = path.resolve(__dirname, '../../src/emulator');
const read = (rel: string) => fs.readFileSync(path.join(DIR, rel), 'utf8');
const allFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return allFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });

test.each([
  ['endpoints/acquire.ts', 'acquireRequestSchema'],
  ['endpoints/start.ts', 'startRequestSchema'],
  ['endpoints/update.ts', 'updateRequestSchema'],
  ['endpoints/update-layout.ts', 'updateLayoutRequestSchema'],
  ['endpoints/stop.ts', 'stopRequestSchema'],
])('%s validates with %s from src/agora/schemas', (file, schema) => {
  const src = read(file);
  expect(src).toMatch(new RegExp(`import \\{[^}]*\\b${schema}\\b[^}]*\\} from '../../agora/schemas'`));
  expect(src).toContain(`${schema}.`);
});

test('no emulator file defines an Agora request field schema of its own', () => {
  const fields = ['storageConfig', 'recordingConfig', 'transcodingConfig', 'layoutConfig', 'fileNamePrefix', 'x_axis'];
  for (const file of allFiles(DIR)) {
    const src = fs.readFileSync(file, 'utf8');
    for (const field of fields) expect(src).not.toMatch(new RegExp(`\\b${field}\\s*:\\s*z\\.`));
  }
});
