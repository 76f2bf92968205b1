/** The worker's configuration: Temporal, Agora's REST API, the profiles, concurrency, shutdown, bundle and metrics. */
import { z } from 'zod';
import { ConfigError, decimal, duration, logLevel, optionalText, parseEnv, type Env, type LogLevel } from './env';
import { loadEncryptionProfiles, loadStorageProfiles, type EncryptionProfile, type StorageProfile } from './profiles';
import { loadTemporalConfig, type TemporalConfig } from './temporal';

/** Agora REST settings of the worker. */
export interface AgoraConfig {
  appId: string;
  customerId: string;
  customerSecret: string;
  appCertificate?: string;
  /** A single base URL instead of Agora's regional domains (the emulator, a proxy). No trailing slash. */
  baseUrl?: string;
  area: 'US' | 'EU' | 'AP' | 'CN';
  /**
   * Agora requests per second this worker process sends at most (Agora's limit is 10 per App ID,
   * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
   */
  requestsPerSecond: number;
  /**
   * Agora's NCS reaches this deployment (a receiver is configured in Agora Console). false: recordings query at
   * Agora's polling cadence (every 2 min) instead of healthCheckIntervalSeconds.
   */
  ncsConfigured: boolean;
}

/** The worker's whole configuration. */
export interface WorkerConfig {
  temporal: TemporalConfig;
  agora: AgoraConfig;
  /** Storage profile name → storageConfig (secrets inside). */
  storageProfiles: Record<string, StorageProfile>;
  /** Encryption profile name → channel decryption settings (secrets inside). */
  encryptionProfiles: Record<string, EncryptionProfile>;
  maxConcurrentActivities: number;
  /** Workflow tasks run at once, and of those from the shared task queue (src/runtime/workflow-task-slots.ts). */
  maxConcurrentWorkflowTasks: number;
  maxConcurrentNonStickyWorkflowTasks: number;
  /** Milliseconds. */
  shutdownGraceTimeMs: number;
  workflowBundlePath?: string;
  /** `host:port`, or undefined when metrics are disabled. */
  metricsBindAddress?: string;
  logLevel: LogLevel;
}

const workerEnvSchema = z.object({
  AGORA_APP_ID: z.string({ error: 'is required' }).min(1),
  AGORA_CUSTOMER_ID: z.string({ error: 'is required' }).min(1),
  AGORA_CUSTOMER_SECRET: z.string({ error: 'is required' }).min(1),
  AGORA_APP_CERTIFICATE: optionalText,
  AGORA_BASE_URL: z
    .url({ error: 'must be an http(s) URL' })
    .optional()
    .transform((s) => s?.replace(/\/+$/, '')),
  AGORA_AREA: z.enum(['US', 'EU', 'AP', 'CN']).default('US'),
  AGORA_REQUESTS_PER_SECOND: decimal.pipe(z.number().positive()).default(10),
  AGORA_NCS_CONFIGURED: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('true')
    .transform((v) => v === 'true'),
  WORKER_MAX_CONCURRENT_ACTIVITIES: decimal.pipe(z.number().int().positive()).default(50),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: decimal.pipe(z.number().int().min(2)).default(10),
  WORKER_MAX_CONCURRENT_NON_STICKY_WORKFLOW_TASKS: decimal.pipe(z.number().int().positive()).optional(),
  WORKER_SHUTDOWN_GRACE_TIME: duration.default(30_000),
  WORKFLOW_BUNDLE_PATH: optionalText,
  METRICS_BIND_ADDRESS: z
    .string()
    .refine((v) => v === '' || /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):\d{1,5}$/.test(v), {
      error: 'must be host:port (e.g. 0.0.0.0:9464, [::]:9464) or empty to disable metrics',
    })
    .default('0.0.0.0:9464'),
  LOG_LEVEL: logLevel,
});

/** Reads the worker's configuration. @throws ConfigError naming each bad or missing variable (never its value). */
export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const problems: string[] = [];
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
      return undefined;
    }
  };
  const temporal = attempt(() => loadTemporalConfig(env));
  const e = attempt(() => parseEnv(workerEnvSchema, env));
  const storageProfiles = attempt(() => loadStorageProfiles(env));
  const encryptionProfiles = attempt(() => loadEncryptionProfiles(env));
  // Default 4, and always fewer than the total: at least one slot stays for running recordings' (sticky) tasks.
  const nonSticky = e
    ? (e.WORKER_MAX_CONCURRENT_NON_STICKY_WORKFLOW_TASKS ?? Math.min(4, e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS - 1))
    : 0;
  if (e && nonSticky >= e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS) {
    problems.push(
      `WORKER_MAX_CONCURRENT_NON_STICKY_WORKFLOW_TASKS: must be less than WORKER_MAX_CONCURRENT_WORKFLOW_TASKS (${e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS}), so that running recordings keep a slot`,
    );
  }
  if (!temporal || !e || !storageProfiles || !encryptionProfiles || problems.length) throw new ConfigError(problems);
  // METRICS_BIND_ADDRESS is read raw: an explicitly empty value disables metrics.
  const metrics = env.METRICS_BIND_ADDRESS === '' ? undefined : e.METRICS_BIND_ADDRESS;
  return {
    temporal,
    agora: {
      appId: e.AGORA_APP_ID,
      customerId: e.AGORA_CUSTOMER_ID,
      customerSecret: e.AGORA_CUSTOMER_SECRET,
      ...(e.AGORA_APP_CERTIFICATE ? { appCertificate: e.AGORA_APP_CERTIFICATE } : {}),
      ...(e.AGORA_BASE_URL ? { baseUrl: e.AGORA_BASE_URL } : {}),
      area: e.AGORA_AREA,
      requestsPerSecond: e.AGORA_REQUESTS_PER_SECOND,
      ncsConfigured: e.AGORA_NCS_CONFIGURED,
    },
    storageProfiles,
    encryptionProfiles,
    maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTasks: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentNonStickyWorkflowTasks: nonSticky,
    shutdownGraceTimeMs: e.WORKER_SHUTDOWN_GRACE_TIME,
    ...(e.WORKFLOW_BUNDLE_PATH ? { workflowBundlePath: e.WORKFLOW_BUNDLE_PATH } : {}),
    ...(metrics ? { metricsBindAddress: metrics } : {}),
    logLevel: e.LOG_LEVEL,
  };
}
