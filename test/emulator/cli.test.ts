import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const MAIN = path.join(ROOT, 'src/emulator/main.ts');

/** Starts the CLI and resolves with its first stdout line (the JSON "listening" line). */
function startCli(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(TSX, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, line: out.slice(0, nl) });
    });
    child.on('exit', (code) => reject(new Error(`emulator exited early with ${code}`)));
  });
}

function stopCli(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('standalone CLI (npm run emulator)', () => {
  test('--help describes the flags and exits 0', () => {
    const r = spawnSync(TSX, [MAIN, '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const flag of ['--port', '--callback-url', '--ncs-secret', '--speed-up', '--fault']) {
      expect(r.stdout).toContain(flag);
    }
  });

  test('an invalid --fault is refused with a non-zero exit', () => {
    const r = spawnSync(TSX, [MAIN, '--port', '0', '--fault', '{"kind":"nope"}'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--fault');
  });

  test('serves Agora paths with env credentials and CLI faults; never prints the secrets', async () => {
    const env = { AGORA_APP_ID: 'cliappid', AGORA_CUSTOMER_ID: 'cli-id', AGORA_CUSTOMER_SECRET: 'cli-secret-value' };
    const fault = JSON.stringify({ kind: 'error', endpoint: 'acquire', httpStatus: 503, times: 1 });
    const { child, line } = await startCli(['--port', '0', '--ncs-secret', 'ncs-secret-value', '--fault', fault], env);
    try {
      expect(line).not.toContain('cli-secret-value');
      expect(line).not.toContain('ncs-secret-value');
      const info = JSON.parse(line) as { baseUrl: string; appId: string; signed: boolean };
      expect(info).toMatchObject({ appId: 'cliappid', signed: true });
      const url = `${info.baseUrl}/v1/apps/cliappid/cloud_recording/acquire`;
      const headers = {
        Authorization: `Basic ${Buffer.from('cli-id:cli-secret-value').toString('base64')}`,
        'Content-Type': 'application/json',
      };
      const body = JSON.stringify({ cname: 'room1', uid: '1', clientRequest: {} });
      const first = await fetch(url, { method: 'POST', headers, body });
      expect(first.status).toBe(503);
      const second = await fetch(url, { method: 'POST', headers, body });
      expect(second.status).toBe(200);
      const health = await fetch(`${info.baseUrl}/_emulator/health`);
      expect(await health.json()).toMatchObject({ ok: true, mode: 'wall' });
    } finally {
      expect(await stopCli(child)).toBe(0);
    }
  });
});
