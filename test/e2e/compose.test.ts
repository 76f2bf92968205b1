// docker-compose.yml must be accepted by `docker-compose config` (Debian's docker-compose package, which needs no
// Docker engine for this). scripts/ensure-docker-compose.sh installs the package when it is missing (as root).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

describe('docker-compose.yml', () => {
  beforeAll(() => {
    execFileSync('bash', [path.join(root, 'scripts/ensure-docker-compose.sh')], { stdio: 'inherit' });
  }, 300_000);

  it('is accepted by `docker-compose config` and has every service', () => {
    execFileSync('docker-compose', ['config', '-q'], { cwd: root });
    const services = execFileSync('docker-compose', ['config', '--services'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .sort();
    expect(services).toEqual(
      ['postgresql', 'receiver', 'temporal', 'temporal-register', 'temporal-setup', 'temporal-ui', 'worker'].sort(),
    );
  });
});
