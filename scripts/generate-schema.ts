// Writes docs/recording-input.schema.json from the zod schema in src/input.ts (`npm run schema`), formatted by
// Prettier so `npm run lint` accepts it. With --check it writes nothing and exits 1 when the file is stale
// (test/docs/schema.test.ts runs that).
import fs from 'node:fs';
import path from 'node:path';
import prettier from 'prettier';
import { recordingInputJsonSchema } from '../src/input';

const schemaFile = path.resolve(__dirname, '../docs/recording-input.schema.json');

async function main(): Promise<number> {
  const options = (await prettier.resolveConfig(schemaFile)) ?? {};
  const text = await prettier.format(JSON.stringify(recordingInputJsonSchema()), { ...options, parser: 'json' });
  const rel = path.relative(process.cwd(), schemaFile);
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(schemaFile) ? fs.readFileSync(schemaFile, 'utf8') : '';
    if (current === text) return 0;
    console.error(`${rel} is stale: run \`npm run schema\``);
    return 1;
  }
  fs.mkdirSync(path.dirname(schemaFile), { recursive: true });
  fs.writeFileSync(schemaFile, text);
  console.log(`wrote ${rel}`);
  return 0;
}

void main().then((code) => process.exit(code));
