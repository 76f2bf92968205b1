/**
 * Temporal test environments backed by REAL servers: the official time-skipping test server and the official CLI dev
 * server, both installed into .tools/bin by scripts/install-temporal.sh (the SDK's automatic download does not work on
 * machines that only reach package registries). Set TEMPORAL_ADDRESS to use an existing server instead.
 */
import path from 'node:path';
import fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { searchAttributeKeys } from '../../src/contract';

const toolsBin = path.resolve(__dirname, '../../.tools/bin');

function binary(envVar: string, name: string): string {
  const p = process.env[envVar] ?? path.join(toolsBin, name);
  if (!fs.existsSync(p)) {
    throw new Error(
      `${name} not found at ${p}: run \`bash scripts/install-temporal.sh\` (npm test does) or set ${envVar}`,
    );
  }
  return p;
}

/** Path of the Temporal CLI (`temporal server start-dev`). */
export const temporalCliPath = (): string => binary('TEMPORAL_CLI_PATH', 'temporal');
/** Path of the time-skipping test server. */
export const temporalTestServerPath = (): string => binary('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server');

/** A time-skipping environment on the official test server (or TEMPORAL_ADDRESS, which does not skip time). */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  if (process.env.TEMPORAL_ADDRESS) return existing();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
}

/** A local dev server (real persistence, visibility, search attributes registered), or TEMPORAL_ADDRESS. */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  if (process.env.TEMPORAL_ADDRESS) return existing();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: [...searchAttributeKeys],
    },
  });
}

function existing(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({
    address: process.env.TEMPORAL_ADDRESS,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
  });
}

/** A unique task queue per test, so tests never steal each other's tasks. */
export const uniqueTaskQueue = (name: string): string =>
  `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
