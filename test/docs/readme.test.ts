/**
 * The README's examples hold as written: the TypeScript example typechecks (as a consumer would compile it, with
 * `agora-recording-worker/lib/client` resolved to this repository's src/client.ts), and the values it names agree
 * with the code (the emulator's default port, the demo stack's App ID and storage profile).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { configVariables } from '../../src/config';
import { DEMO_STORAGE_PROFILE, EMULATED } from '../../src/dev';
import { buildCommand } from '../../src/emulator/main';

const root = path.resolve(__dirname, '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** The fenced blocks of a language in the README, in order. */
function blocks(lang: string): string[] {
  return [...readme.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm'))].map((m) => m[1]!);
}

describe('README TypeScript example', () => {
  it('typechecks as pasted (strict, commonjs, the package import path)', () => {
    const [example] = blocks('ts');
    expect(example).toContain("from 'agora-recording-worker/lib/client'");
    // Inside the repository (test/.tmp is git-ignored), so that node_modules and src resolve; removed afterwards.
    fs.mkdirSync(path.join(root, 'test/.tmp'), { recursive: true });
    const dir = fs.mkdtempSync(path.join(root, 'test/.tmp/readme-'));
    const file = path.join(dir, 'readme-example.ts');
    fs.writeFileSync(file, example!);
    try {
      const config: unknown = ts.readConfigFile(path.join(root, 'tsconfig.json'), (f) => ts.sys.readFile(f)).config;
      const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
      const program = ts.createProgram([file], {
        ...options,
        noEmit: true,
        types: ['node'],
        baseUrl: root,
        paths: { 'agora-recording-worker/lib/*': ['src/*'] },
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
        const where = d.file
          ? `${path.relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
          : '';
        return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
      expect(diagnostics).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the build emits the declarations a consumer of lib/client needs', () => {
    const build = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8')) as {
      compilerOptions: { declaration?: boolean };
    };
    expect(build.compilerOptions.declaration).toBe(true);
  });
});

describe('README values agree with the code', () => {
  it('AGORA_BASE_URL example uses the emulator default port', () => {
    const fromOption = buildCommand().options.find((o) => o.long === '--port')!.defaultValue as number;
    const example = `http://127.0.0.1:${fromOption}`;
    expect(configVariables.find((v) => v.name === 'AGORA_BASE_URL')!.description).toContain(example);
    const row = readme.split('\n').find((l) => l.startsWith('| `AGORA_BASE_URL`'));
    expect(row).toContain(example);
  });

  it('every shell example names the demo stack App ID and storage profile, never a placeholder', () => {
    const shell = blocks('bash').join('\n');
    expect(shell).not.toMatch(/YOUR_APP_ID|recording\/APP\//);
    expect(shell).toContain(EMULATED.appId);
    for (const m of shell.matchAll(/"profile":\s*"([^"]+)"/g)) expect(m[1]).toBe(DEMO_STORAGE_PROFILE);
    expect(readme).toContain(`export PATH="$PWD/.tools/bin:$PATH"`);
  });

  it('documents every tooling variable the code reads outside the configuration table', () => {
    for (const name of [
      'TEMPORAL_CLI_PATH',
      'TEMPORAL_TEST_SERVER_PATH',
      'DEMO_STORAGE_PROFILE',
      'AGORA_NCS_CALLBACK_URL',
      'AGORA_NCS_SECRET',
    ]) {
      expect(readme.split('\n').some((l) => l.startsWith(`| \`${name}\``))).toBe(true);
    }
  });
});
