/**
 * The worker process (`npm run worker` in development, `node lib/worker.js` in production): polls the task queue and
 * runs recording workflows and the Agora activities.
 *
 * - Configuration from the environment (src/config/; README "Configuration").
 * - A {@link NativeConnection} to Temporal (TLS / API key when configured; src/temporal/connection.ts).
 * - Workflow code: the prebuilt bundle `lib/workflow-bundle.js` (made by `npm run build`) when the worker runs from
 *   lib/, or WORKFLOW_BUNDLE_PATH; otherwise `workflowsPath` (bundled at start, development). Either way the workflow
 *   modules are PRELOADED into the reusable V8 context ({@link workflowBundlerOptions}): evaluated once and shared by
 *   every cached recording instead of evaluated again for each one.
 * - Graceful shutdown on SIGINT/SIGTERM: the Runtime stops polling, running activities get `shutdownGraceTime` to
 *   finish (then are cancelled), workflow tasks drain, then the process exits 0.
 * - Prometheus metrics from the Temporal Runtime on METRICS_BIND_ADDRESS (`GET /metrics`).
 * - Workflow-task slots ({@link WorkflowTaskSlots}): WORKER_MAX_CONCURRENT_WORKFLOW_TASKS at once, of which at most
 *   WORKER_MAX_CONCURRENT_NON_STICKY_WORKFLOW_TASKS from the shared queue (new recordings' first tasks): a burst of new
 *   recordings waits in Temporal before its acquire, not between acquire and start.
 * - Agora's QPS limit (10 requests/s per App ID,
 *   https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices) is kept by the Agora client's
 *   limiter in this process (AGORA_REQUESTS_PER_SECOND; src/agora/rate-limiter.ts: stop and start first, every acquire
 *   keeps room for its start). There is deliberately no task-queue activity rate: acquire, update and updateLayout are
 *   local activities that a task-queue rate would not see, and setting one turns off eager dispatch of the start
 *   activity. Several workers on one App ID share its limit: give each AGORA_REQUESTS_PER_SECOND = 10 ÷ replicas.
 * - pino JSON logs; the Temporal Runtime's and the workflows' logs go through the same logger. No secrets: the
 *   configuration is logged through {@link describeConfig}; the Agora client redacts its own messages.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { Command } from 'commander';
import { createActivities } from './activities';
import { CloudRecordingClient } from './agora/client';
import { ConfigError, describeConfig, environmentHelp, loadWorkerConfig, type WorkerConfig } from './config';
import { createLogger, type Logger } from './runtime/logging';
import { WorkflowTaskSlots } from './runtime/workflow-task-slots';
import { connectTemporal } from './temporal/connection';

/** Temporal's Logger interface over pino. */
class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly pino: Logger) {}
  log(level: TemporalLogLevel, message: string, meta?: LogMetadata): void {
    const method = ({ TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const)[level];
    this.pino[method](meta ?? {}, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/**
 * Bundler options of the workflow code, for the bundle made at start (`workflowsPath`) and the prebuilt one
 * (scripts/bundle-workflows.mjs): the whole workflow module graph, from its entry point `workflowsPath`, is preloaded.
 *
 * With reuseV8Context (the SDK default) all cached workflows share one V8 context, but every module that the bundle's
 * bootstrap did not load itself is evaluated again for each workflow (its own module cache): for a recording that is
 * src/workflows, src/contract/activities.ts and the `@temporalio/workflow` entry point — function objects, closures,
 * contexts and export getters worth ~36 KiB of heap per cached recording (bench/memory-probe.ts, issue 7). A
 * preloaded module is evaluated once, before any workflow exists, shared, and its exports are deep-frozen by the SDK.
 *
 * That is only correct for modules without per-workflow state at module level, which is the rule for src/workflows:
 * no module-level `let`/`var`, no module-level collection or object that is written after load (everything a run
 * knows lives in its `Memory`, created inside the workflow function). ESLint enforces the `let`/`var` part.
 */
export function workflowBundlerOptions(workflowsPath: string): NonNullable<WorkerOptions['bundlerOptions']> {
  return { preloadModules: [workflowsPath] };
}

/**
 * Where the workflow code comes from: WORKFLOW_BUNDLE_PATH; else `workflow-bundle.js` next to this file when running
 * compiled (lib/); else the workflows source (bundled at start, with {@link workflowBundlerOptions}).
 */
export function workflowSource(
  config: Pick<WorkerConfig, 'workflowBundlePath'>,
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> {
  if (config.workflowBundlePath) return { workflowBundle: { codePath: path.resolve(config.workflowBundlePath) } };
  const prebuilt = path.join(__dirname, 'workflow-bundle.js');
  if (__filename.endsWith('.js') && fs.existsSync(prebuilt)) return { workflowBundle: { codePath: prebuilt } };
  const workflowsPath = require.resolve('./workflows');
  return { workflowsPath, bundlerOptions: workflowBundlerOptions(workflowsPath) };
}

/**
 * Installs the Temporal Runtime (logger, Prometheus metrics, shutdown signals). Once per process, before any
 * connection.
 */
export function installRuntime(config: Pick<WorkerConfig, 'metricsBindAddress'>, logger: Logger): void {
  Runtime.install({
    logger: new PinoTemporalLogger(logger.child({ component: 'temporal' })),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    telemetryOptions: config.metricsBindAddress
      ? { metrics: { prometheus: { bindAddress: config.metricsBindAddress } } }
      : {},
  });
}

/**
 * Connects to Temporal and creates the worker with the Agora activities.
 * @returns the worker (call `run()`) and its connection (close it after `run()` resolves)
 * @throws TemporalConnectionError naming the address; the bundler's error when the workflow code does not compile
 */
export async function createWorker(
  config: WorkerConfig,
  logger: Logger,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const t = config.temporal;
  const connection = await connectTemporal(t, (options) => NativeConnection.connect(options));
  const storageSecrets = Object.values(config.storageProfiles).flatMap((p) => [p.accessKey, p.secretKey, p.stsToken]);
  const encryptionSecrets = Object.values(config.encryptionProfiles).flatMap((p) => [p.secret, p.salt]);
  const agora = new CloudRecordingClient({
    appId: config.agora.appId,
    customerId: config.agora.customerId,
    customerSecret: config.agora.customerSecret,
    ...(config.agora.baseUrl ? { baseUrl: config.agora.baseUrl } : { area: config.agora.area }),
    logger: logger.child({ component: 'agora' }),
    secrets: [config.agora.appCertificate, ...storageSecrets, ...encryptionSecrets],
    // Agora counts requests in one-second windows; the task-queue token bucket alone can burst past it.
    requestsPerSecond: config.agora.requestsPerSecond,
  });
  const activities = createActivities({
    client: agora,
    storageProfiles: config.storageProfiles,
    encryptionProfiles: config.encryptionProfiles,
    appId: config.agora.appId,
    appCertificate: config.agora.appCertificate,
    ncsConfigured: config.agora.ncsConfigured,
  });
  const source = workflowSource(config);
  logger.info(
    { workflows: source.workflowBundle ? 'prebuilt bundle' : 'workflowsPath (bundled now)' },
    'workflow code',
  );
  const worker = await Worker.create({
    connection,
    namespace: t.namespace,
    taskQueue: t.taskQueue,
    activities,
    ...source,
    tuner: {
      workflowTaskSlotSupplier: new WorkflowTaskSlots(
        config.maxConcurrentWorkflowTasks,
        config.maxConcurrentNonStickyWorkflowTasks,
      ),
      activityTaskSlotSupplier: { type: 'fixed-size', numSlots: config.maxConcurrentActivities },
      // The SDK's defaults for the other two (a tuner replaces every maxConcurrent* option).
      localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 100 },
      nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: 100 },
    },
    shutdownGraceTime: config.shutdownGraceTimeMs,
  });
  return { worker, connection };
}

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createLogger('worker', config.logLevel);
  logger.info({ config: describeConfig(config) }, 'configuration loaded');
  installRuntime(config, logger);
  const { worker, connection } = await createWorker(config, logger);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal, graceMs: config.shutdownGraceTimeMs }, 'shutting down: draining the worker');
    });
  }
  logger.info(
    {
      address: config.temporal.address,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      metrics: config.metricsBindAddress ? `http://${config.metricsBindAddress}/metrics` : 'off',
      agoraRequestsPerSecond: config.agora.requestsPerSecond,
      agora: config.agora.baseUrl ?? `regional domains (${config.agora.area})`,
    },
    'worker running',
  );
  await worker.run();
  await connection.close();
  logger.info('worker stopped');
}

if (require.main === module) {
  // --help works with no environment at all: it lists the variables instead of reading them.
  new Command('worker')
    .description('Run recording workflows and the Agora activities (polls the task queue until SIGINT/SIGTERM).')
    .addHelpText(
      'after',
      environmentHelp('worker') +
        '\nExit codes: 0 stopped cleanly (SIGINT/SIGTERM), 2 invalid configuration, 1 any other failure.\n',
    )
    .parse();
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      const message = e instanceof ConfigError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      process.stderr.write(`worker failed: ${message}\n`);
      process.exit(e instanceof ConfigError ? 2 : 1);
    },
  );
}
