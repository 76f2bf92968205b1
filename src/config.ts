/**
 * Environment → typed configuration (zod), loaded once at each entry point (worker, NCS receiver, client CLI, demo).
 * Secrets (Agora customer secret, App Certificate, NCS secret, storage keys, Temporal API key) live only in the objects
 * returned here; {@link describeConfig} gives a loggable view with every secret replaced.
 *
 * Every variable is documented, with its default, in the README's configuration table; {@link configVariables} is the
 * same list in code (the README test checks they agree).
 */
import { z } from 'zod';
import { plainDecimal } from './cli/numbers';
import { storageConfigSchema, type StorageConfig } from './agora/schemas';
import { defaultTaskQueue } from './contract';

/** A variable's documentation: name, default (as text), meaning. Used by the README table and `--help` output. */
export interface ConfigVariable {
  name: string;
  default: string;
  description: string;
  secret?: boolean;
}

/** Every environment variable the project reads, in README order. */
export const configVariables: readonly ConfigVariable[] = [
  { name: 'TEMPORAL_ADDRESS', default: 'localhost:7233', description: 'Temporal frontend host:port.' },
  { name: 'TEMPORAL_NAMESPACE', default: 'default', description: 'Temporal namespace.' },
  { name: 'TEMPORAL_TASK_QUEUE', default: defaultTaskQueue, description: 'Task queue of the recording workflows.' },
  {
    name: 'TEMPORAL_TLS',
    default: 'false',
    description: 'Use TLS to reach Temporal (on anyway when TEMPORAL_API_KEY or TEMPORAL_TLS_CERT_PATH is set).',
  },
  {
    name: 'TEMPORAL_TLS_CERT_PATH',
    default: '(none)',
    description: 'mTLS client certificate (PEM file); switches TLS on; needs TEMPORAL_TLS_KEY_PATH.',
  },
  {
    name: 'TEMPORAL_TLS_KEY_PATH',
    default: '(none)',
    description: 'mTLS client key (PEM file); needs TEMPORAL_TLS_CERT_PATH.',
  },
  { name: 'TEMPORAL_API_KEY', default: '(none)', description: 'Temporal Cloud API key.', secret: true },
  { name: 'AGORA_APP_ID', default: '(required)', description: 'Agora App ID of the channels recorded.' },
  {
    name: 'AGORA_CUSTOMER_ID',
    default: '(required by the worker)',
    description: 'RESTful API customer ID (Basic auth).',
  },
  {
    name: 'AGORA_CUSTOMER_SECRET',
    default: '(required by the worker)',
    description: 'RESTful API customer secret (Basic auth).',
    secret: true,
  },
  {
    name: 'AGORA_APP_CERTIFICATE',
    default: '(none)',
    description: 'App Certificate; when set, the worker mints recorder RTC tokens.',
    secret: true,
  },
  {
    name: 'AGORA_BASE_URL',
    default: '(none: Agora regional domains)',
    description: 'Override of the Agora REST base URL, e.g. the emulator `http://127.0.0.1:9080`.',
  },
  { name: 'AGORA_AREA', default: 'US', description: 'Agora area for regional domains and failover: US, EU, AP, CN.' },
  {
    name: 'AGORA_REQUESTS_PER_SECOND',
    default: '10',
    description:
      "Agora requests per second from this worker process (Agora's limit is 10 per App ID: with several workers on one App ID, divide it among them).",
  },
  {
    name: 'STORAGE_PROFILES',
    default: '{}',
    description:
      'JSON map profile name → storageConfig (vendor, region, bucket, accessKey, secretKey, ...). Also `STORAGE_PROFILE_<NAME>_<FIELD>`.',
    secret: true,
  },
  {
    name: 'ENCRYPTION_PROFILES',
    default: '{}',
    description:
      'JSON map profile name → channel decryption (`decryptionMode` 1..8, `secret`, optional `salt`), named by `encryptionProfile` in the input.',
    secret: true,
  },
  {
    name: 'WORKER_MAX_CONCURRENT_ACTIVITIES',
    default: '50',
    description: 'Activities one worker runs at once (Agora calls are short HTTP requests).',
  },
  {
    name: 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
    default: '10',
    description:
      "Workflow tasks one worker runs at once (at least 2; the SDK's default is 40). Few keeps a backlog in Temporal instead of between an acquire and its start (more gives a saturated worker more start throughput and a longer gap).",
  },
  {
    name: 'WORKER_MAX_CONCURRENT_NON_STICKY_WORKFLOW_TASKS',
    default: '4',
    description:
      "(Or the total − 1 when that is smaller.) Of those, tasks from the shared task queue at once: mostly recordings' first tasks (create, acquire). Few keeps a burst of new recordings waiting in Temporal, before the acquire, so each acquired resourceId reaches start quickly while running recordings keep the other slots.",
  },
  {
    name: 'WORKER_SHUTDOWN_GRACE_TIME',
    default: '30s',
    description: 'On SIGINT/SIGTERM, how long running activities may finish before they are cancelled.',
  },
  {
    name: 'WORKFLOW_BUNDLE_PATH',
    default: '(lib/workflow-bundle.js when the worker runs from lib/)',
    description: 'Prebuilt workflow bundle; without it the worker bundles src/workflows at start.',
  },
  {
    name: 'METRICS_BIND_ADDRESS',
    default: '0.0.0.0:9464',
    description: 'Prometheus scrape address of the worker (`/metrics`); empty disables.',
  },
  {
    name: 'NCS_SECRET',
    default: '(required by the receiver)',
    description: 'NCS secret from the Agora console (signature key).',
    secret: true,
  },
  { name: 'RECEIVER_HOST', default: '0.0.0.0', description: 'NCS receiver listen address.' },
  { name: 'RECEIVER_PORT', default: '8080', description: 'NCS receiver listen port.' },
  { name: 'RECEIVER_PATH', default: '/agora/ncs', description: 'Path Agora posts notifications to.' },
  { name: 'RECEIVER_BODY_LIMIT_BYTES', default: '65536', description: 'Largest notification body accepted (413).' },
  {
    name: 'RECEIVER_DATA_DIR',
    default: './data',
    description: 'Directory of the receiver spool (`ncs-spool.jsonl`) and dead-letter log (`ncs-dead-letter.jsonl`).',
  },
  {
    name: 'RECEIVER_DELIVERY_DEADLINE',
    default: '1h',
    description: 'How long an accepted notification is retried against Temporal before it is dead-lettered.',
  },
  { name: 'LOG_LEVEL', default: 'info', description: 'pino level: trace, debug, info, warn, error, fatal, silent.' },
];

/** The entry points that read the environment. */
export type EntryPoint = 'worker' | 'receiver' | 'client';

/** The variables an entry point reads, in README order. */
export function variablesOf(entry: EntryPoint): ConfigVariable[] {
  const reads: Record<EntryPoint, (name: string) => boolean> = {
    worker: (n) =>
      /^(TEMPORAL_|AGORA_|WORKER_)/.test(n) ||
      ['STORAGE_PROFILES', 'ENCRYPTION_PROFILES', 'WORKFLOW_BUNDLE_PATH', 'METRICS_BIND_ADDRESS', 'LOG_LEVEL'].includes(
        n,
      ),
    receiver: (n) => /^(TEMPORAL_|RECEIVER_)/.test(n) || ['AGORA_APP_ID', 'NCS_SECRET', 'LOG_LEVEL'].includes(n),
    client: (n) => /^TEMPORAL_/.test(n) || ['AGORA_APP_ID', 'STORAGE_PROFILES'].includes(n),
  };
  return configVariables.filter((v) => reads[entry](v.name));
}

/** `--help` text: the environment variables of an entry point with their defaults (no values, so no secrets). */
export function environmentHelp(entry: EntryPoint): string {
  const vars = variablesOf(entry);
  const width = Math.max(...vars.map((v) => v.name.length));
  const lines = vars.map(
    (v) =>
      `  ${v.name.padEnd(width)}  ${v.description}` +
      (v.default === '(none)' ? '' : v.default.startsWith('(') ? ` ${v.default}` : ` Default: ${v.default}.`) +
      (v.secret ? ' Secret.' : ''),
  );
  return `\nEnvironment (README "Configuration"):\n${lines.join('\n')}\n`;
}

/** Thrown when the environment is invalid. Lists variable names and problems, never values. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `30s`, `2m`, `1h`, `500ms` or a bare number of milliseconds. @returns milliseconds. */
export function parseDurationMs(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new Error('must be a duration such as 500ms, 30s, 2m or 1h');
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h']);
}

const duration = z.string().transform((s, ctx) => {
  try {
    return parseDurationMs(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((s) => s === 'true' || s === '1' || s === 'yes');
/** A number in plain decimal ("12", "0.5"), see src/cli/numbers.ts; z.coerce.number would also take "1e1" or "0x10". */
const decimal = z.string().transform((s, ctx) => {
  const n = plainDecimal(s);
  if (n === undefined) ctx.addIssue({ code: 'custom', message: 'must be a plain decimal number (e.g. 10 or 0.5)' });
  return n ?? z.NEVER;
});
const port = decimal.pipe(z.number().int().min(0).max(65_535));
const optionalText = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

/** Temporal connection settings shared by every entry point. */
export const temporalConfigSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(defaultTaskQueue),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT_PATH: optionalText,
  TEMPORAL_TLS_KEY_PATH: optionalText,
  TEMPORAL_API_KEY: optionalText,
});

/** Temporal connection settings, typed. */
export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** TLS on/off; client cert and key are PEM file paths for mTLS. */
  tls: false | { clientCertPath?: string; clientKeyPath?: string };
  apiKey?: string;
}

/** Agora REST settings of the worker. */
export interface AgoraConfig {
  appId: string;
  customerId: string;
  customerSecret: string;
  appCertificate?: string;
  /** A single base URL instead of Agora's regional domains (the emulator, a proxy). No trailing slash. */
  baseUrl?: string;
  area: 'US' | 'EU' | 'AP' | 'CN';
  /** Agora requests per second this worker process sends at most (Agora's limit is 10 per App ID, §1.5). */
  requestsPerSecond: number;
}

/** The worker's whole configuration. */
export interface WorkerConfig {
  temporal: TemporalConfig;
  agora: AgoraConfig;
  /** Storage profile name → storageConfig (secrets inside). */
  storageProfiles: Record<string, StorageConfig>;
  /** Encryption profile name → channel decryption settings (secrets inside). */
  encryptionProfiles: Record<string, EncryptionProfileConfig>;
  maxConcurrentActivities: number;
  /** Workflow tasks run at once, and of those from the shared task queue (src/workflow-task-slots.ts). */
  maxConcurrentWorkflowTasks: number;
  maxConcurrentNonStickyWorkflowTasks: number;
  /** Milliseconds. */
  shutdownGraceTimeMs: number;
  workflowBundlePath?: string;
  /** `host:port`, or undefined when metrics are disabled. */
  metricsBindAddress?: string;
  logLevel: LogLevel;
}

/** The NCS receiver's whole configuration. */
export interface ReceiverConfig {
  temporal: TemporalConfig;
  appId: string;
  ncsSecret: string;
  host: string;
  port: number;
  path: string;
  bodyLimitBytes: number;
  dataDir: string;
  /** Milliseconds an accepted notification is retried against Temporal before it is dead-lettered. */
  deliveryDeadlineMs: number;
  logLevel: LogLevel;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
const logLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info');

type Env = Record<string, string | undefined>;

function parse<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  // Empty strings count as unset, as in most .env tooling (docker-compose passes `VAR=` for unset values).
  const cleaned: Env = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const r = schema.safeParse(cleaned);
  if (!r.success) {
    // Issue messages name the variable; zod issue messages here never echo the input value.
    throw new ConfigError(r.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return r.data;
}

/** Reads the Temporal connection settings. @throws ConfigError naming the bad variables. */
export function loadTemporalConfig(env: Env = process.env): TemporalConfig {
  const e = parse(temporalConfigSchema, env);
  // A client certificate without its key (or the reverse) would silently connect without mTLS: refuse it.
  if (!!e.TEMPORAL_TLS_CERT_PATH !== !!e.TEMPORAL_TLS_KEY_PATH) {
    const [set, missing] = e.TEMPORAL_TLS_CERT_PATH
      ? ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH']
      : ['TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_TLS_CERT_PATH'];
    throw new ConfigError([`${missing}: is required when ${set} is set (mTLS needs both the certificate and the key)`]);
  }
  const useTls = e.TEMPORAL_TLS || !!e.TEMPORAL_API_KEY || !!e.TEMPORAL_TLS_CERT_PATH;
  return {
    address: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    tls: useTls
      ? {
          ...(e.TEMPORAL_TLS_CERT_PATH ? { clientCertPath: e.TEMPORAL_TLS_CERT_PATH } : {}),
          ...(e.TEMPORAL_TLS_KEY_PATH ? { clientKeyPath: e.TEMPORAL_TLS_KEY_PATH } : {}),
        }
      : false,
    ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}),
  };
}

/** A storage profile as configured: storageConfig without fileNamePrefix (that comes from the workflow input). */
const storageProfileSchema = storageConfigSchema.omit({ fileNamePrefix: true });

/**
 * Reads storage profiles from `STORAGE_PROFILES` (JSON object name → storageConfig) and from per-profile variables
 * `STORAGE_PROFILE_<NAME>_{VENDOR,REGION,BUCKET,ACCESS_KEY,SECRET_KEY,STS_TOKEN,ENDPOINT}` (NAME lower-cased;
 * per-profile variables override the JSON field by field).
 * @returns name → storageConfig. @throws ConfigError naming the profile and field (never a value).
 */
export function loadStorageProfiles(env: Env = process.env): Record<string, StorageConfig> {
  const raw: Record<string, Record<string, unknown>> = {};
  const problems: string[] = [];
  if (env.STORAGE_PROFILES?.trim()) {
    try {
      const parsed: unknown = JSON.parse(env.STORAGE_PROFILES);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      for (const [name, v] of Object.entries(parsed as Record<string, unknown>)) {
        raw[name] = { ...(v as Record<string, unknown>) };
      }
    } catch {
      throw new ConfigError(['STORAGE_PROFILES: must be a JSON object of profile name → storageConfig']);
    }
  }
  const fields: Record<string, [string, 'number' | 'string']> = {
    VENDOR: ['vendor', 'number'],
    REGION: ['region', 'number'],
    BUCKET: ['bucket', 'string'],
    ACCESS_KEY: ['accessKey', 'string'],
    SECRET_KEY: ['secretKey', 'string'],
    STS_TOKEN: ['stsToken', 'string'],
    ENDPOINT: ['endpoint', 'string'],
  };
  for (const [key, value] of Object.entries(env)) {
    const m = /^STORAGE_PROFILE_([A-Z0-9]+)_([A-Z_]+)$/.exec(key);
    if (!m || value === undefined || value === '') continue;
    const name = m[1]!.toLowerCase();
    const field = fields[m[2]!];
    if (!field) {
      problems.push(`${key}: unknown storage field ${m[2]}`);
      continue;
    }
    const profile = (raw[name] ??= {});
    // A number that is not plain decimal stays text, so the schema refuses it naming the field ("1e1", " ", "0x1").
    const v = field[1] === 'number' ? (plainDecimal(value) ?? value) : value;
    if (field[0] === 'endpoint') profile.extensionParams = { ...(profile.extensionParams as object), endpoint: v };
    else profile[field[0]] = v;
  }
  const out: Record<string, StorageConfig> = {};
  for (const [name, v] of Object.entries(raw)) {
    const r = storageProfileSchema.safeParse(v);
    if (r.success) out[name] = r.data;
    else {
      // Name the variables that can set the field: the JSON, or the per-field one when the name allows it.
      const envKey = (f: unknown) => Object.entries(fields).find(([, [k]]) => k === f)?.[0];
      const where = (f: unknown) =>
        envKey(f) && /^[a-z0-9]+$/.test(name)
          ? ` (set in STORAGE_PROFILES or STORAGE_PROFILE_${name.toUpperCase()}_${envKey(f)})`
          : '';
      problems.push(
        ...r.error.issues.map((i) => `storage profile "${name}".${i.path.join('.')}: ${i.message}${where(i.path[0])}`),
      );
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}

/** Channel decryption settings of one encryption profile (§3.2.1: decryptionMode 1..8 needs a secret). */
export const encryptionProfileSchema = z.strictObject({
  decryptionMode: z.number().int().min(1).max(8),
  secret: z.string().min(1),
  salt: z.string().min(1).optional(),
});
export type EncryptionProfileConfig = z.infer<typeof encryptionProfileSchema>;

/**
 * Reads `ENCRYPTION_PROFILES`: a JSON object name → `{decryptionMode, secret, salt?}`. Recordings name a profile
 * (`encryptionProfile`), so the keys never enter workflow input or history.
 * @returns name → settings. @throws ConfigError naming the profile and field (never a value).
 */
export function loadEncryptionProfiles(env: Env = process.env): Record<string, EncryptionProfileConfig> {
  if (!env.ENCRYPTION_PROFILES?.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(env.ENCRYPTION_PROFILES);
  } catch {
    throw new ConfigError([
      'ENCRYPTION_PROFILES: must be a JSON object of profile name → {decryptionMode, secret, salt?}',
    ]);
  }
  const r = z.record(z.string(), encryptionProfileSchema).safeParse(parsed);
  if (!r.success) {
    throw new ConfigError(r.error.issues.map((i) => `ENCRYPTION_PROFILES.${i.path.join('.')}: ${i.message}`));
  }
  return r.data;
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
  const e = attempt(() => parse(workerEnvSchema, env));
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

const receiverEnvSchema = z.object({
  AGORA_APP_ID: z.string({ error: 'is required' }).min(1),
  NCS_SECRET: z.string({ error: 'is required' }).min(1),
  RECEIVER_HOST: z.string().default('0.0.0.0'),
  RECEIVER_PORT: port.default(8080),
  RECEIVER_PATH: z.string().startsWith('/').default('/agora/ncs'),
  RECEIVER_BODY_LIMIT_BYTES: decimal.pipe(z.number().int().min(1024).max(10_485_760)).default(65_536),
  RECEIVER_DATA_DIR: z.string().default('./data'),
  RECEIVER_DELIVERY_DEADLINE: duration.default(3_600_000),
  LOG_LEVEL: logLevel,
});

/** Reads the NCS receiver's configuration. @throws ConfigError naming each bad or missing variable. */
export function loadReceiverConfig(env: Env = process.env): ReceiverConfig {
  const problems: string[] = [];
  let temporal: TemporalConfig | undefined;
  let e: z.output<typeof receiverEnvSchema> | undefined;
  try {
    temporal = loadTemporalConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  try {
    e = parse(receiverEnvSchema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (!temporal || !e) throw new ConfigError(problems);
  return {
    temporal,
    appId: e.AGORA_APP_ID,
    ncsSecret: e.NCS_SECRET,
    host: e.RECEIVER_HOST,
    port: e.RECEIVER_PORT,
    path: e.RECEIVER_PATH,
    bodyLimitBytes: e.RECEIVER_BODY_LIMIT_BYTES,
    dataDir: e.RECEIVER_DATA_DIR,
    deliveryDeadlineMs: e.RECEIVER_DELIVERY_DEADLINE,
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * A loggable copy of a configuration object: every secret field (and every storage profile's keys) replaced by
 * `[REDACTED]`. Use it for the one "configuration loaded" log line of each entry point.
 */
export function describeConfig(config: WorkerConfig | ReceiverConfig): unknown {
  const secretFields = new Set([
    'customerSecret',
    'appCertificate',
    'ncsSecret',
    'apiKey',
    'accessKey',
    'secretKey',
    'secret',
    'salt',
  ]);
  const walk = (v: unknown): unknown => {
    if (!v || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, secretFields.has(k) || k === 'stsToken' ? '[REDACTED]' : walk(x)]),
    );
  };
  return walk(config);
}
