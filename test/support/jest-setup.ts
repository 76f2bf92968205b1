// Quiet the Temporal Runtime in tests: warnings and errors only. Installed once per test file.
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this process.
}
