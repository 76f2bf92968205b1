// docker-compose.yml must be accepted by `docker-compose config` (Debian's docker-compose package). The check runs
// where that tool is installed (`apt-get install -y docker-compose`); elsewhere it is skipped, with a note.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const available = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

(available ? describe : describe.skip)('docker-compose.yml', () => {
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

if (!available) {
  it('docker-compose is not installed here: config check skipped', () => {
    expect(available).toBe(false);
  });
}
