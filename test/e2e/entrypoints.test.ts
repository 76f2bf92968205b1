// The worker and receiver processes refuse a bad environment at start: exit 2 (as the client CLI does), a message
// naming each bad variable, never a secret's value. --help needs no environment and lists the variables.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { variablesOf } from '../../src/config';

const root = path.resolve(__dirname, '../..');

function run(entry: string, env: Record<string, string>, args: string[] = []) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(AGORA_|TEMPORAL_|NCS_|STORAGE_|RECEIVER_|WORKER_|METRICS_)/.test(k),
    ),
  );
  return spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: root,
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('entry points with a bad environment', () => {
  it('the worker exits 2 naming the missing and invalid variables, without their values', () => {
    const r = run('src/worker.ts', {
      AGORA_CUSTOMER_SECRET: 'do-not-print-me',
      AGORA_AREA: 'MOON',
      STORAGE_PROFILES: '{"p":{"vendor":1,"region":0,"bucket":"b","accessKey":"AKIA-do-not-print","secretKey":7}}',
    });
    expect(r.status).toBe(2);
    for (const name of ['AGORA_APP_ID', 'AGORA_CUSTOMER_ID', 'AGORA_AREA', 'storage profile "p".secretKey']) {
      expect(r.stderr).toContain(name);
    }
    expect(r.stderr + r.stdout).not.toMatch(/do-not-print/);
  });

  it('the receiver exits 2 naming NCS_SECRET and a bad port', () => {
    const r = run('src/receiver/main.ts', { AGORA_APP_ID: 'app', RECEIVER_PORT: '99999' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('NCS_SECRET');
    expect(r.stderr).toContain('RECEIVER_PORT');
  });

  it('a TLS key without its certificate is refused, naming the missing variable', () => {
    const r = run('src/receiver/main.ts', { AGORA_APP_ID: 'app', NCS_SECRET: 's', TEMPORAL_TLS_KEY_PATH: '/k.pem' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('TEMPORAL_TLS_CERT_PATH: is required when TEMPORAL_TLS_KEY_PATH is set');
  });
});

describe('entry points --help', () => {
  it.each([
    ['src/worker.ts', variablesOf('worker')],
    ['src/receiver/main.ts', variablesOf('receiver')],
  ])('%s --help works with no environment and lists its variables with defaults', (entry, vars) => {
    const r = run(entry, {}, ['--help']);
    expect(r.status).toBe(0);
    for (const v of vars) expect(r.stdout).toContain(v.name);
    expect(r.stdout).toContain('Default: localhost:7233');
    expect(r.stdout).toMatch(/Exit codes: 0 .*, 2 invalid configuration, 1 any other failure/);
  });
});
