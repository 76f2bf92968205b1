// The worker and receiver processes refuse a bad environment at start: exit 1, a message naming each bad variable,
// never a secret's value.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

function run(entry: string, env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(AGORA_|TEMPORAL_|NCS_|STORAGE_|RECEIVER_|WORKER_|METRICS_)/.test(k),
    ),
  );
  return spawnSync(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('entry points with a bad environment', () => {
  it('the worker exits 1 naming the missing and invalid variables, without their values', () => {
    const r = run('src/worker.ts', {
      AGORA_CUSTOMER_SECRET: 'do-not-print-me',
      AGORA_AREA: 'MOON',
      STORAGE_PROFILES: '{"p":{"vendor":1,"region":0,"bucket":"b","accessKey":"AKIA-do-not-print","secretKey":7}}',
    });
    expect(r.status).toBe(1);
    for (const name of ['AGORA_APP_ID', 'AGORA_CUSTOMER_ID', 'AGORA_AREA', 'storage profile "p".secretKey']) {
      expect(r.stderr).toContain(name);
    }
    expect(r.stderr + r.stdout).not.toMatch(/do-not-print/);
  });

  it('the receiver exits 1 naming NCS_SECRET and a bad port', () => {
    const r = run('src/callbacks/main.ts', { AGORA_APP_ID: 'app', RECEIVER_PORT: '99999' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('NCS_SECRET');
    expect(r.stderr).toContain('RECEIVER_PORT');
  });
});
