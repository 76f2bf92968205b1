/**
 * Emulator configuration: what callers may set, and defaults that make it behave like Agora
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices,
 * https://docs.agora.io/en/cloud-recording/rest-api/acquire,
 * https://docs.agora.io/en/cloud-recording/develop/receive-notifications,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
import { type ClockOptions } from './clock';
import { type FaultRule } from './faults';

/** Options of {@link startEmulator}. Durations are emulated milliseconds unless stated otherwise. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** The App ID the emulated project has (the `{appid}` path segment). */
  appId: string;
  /** Customer ID for HTTP Basic auth (https://docs.agora.io/en/cloud-recording/rest-api/restful-authentication). */
  customerId: string;
  /** Customer Secret for HTTP Basic auth (https://docs.agora.io/en/cloud-recording/rest-api/restful-authentication). */
  customerSecret: string;
  /**
   * Where NCS notifications are POSTed (https://docs.agora.io/en/cloud-recording/develop/receive-notifications); none
   * are sent without it (they are still recorded).
   */
  callbackUrl?: string;
  /**
   * NCS secret for `Agora-Signature` / `Agora-Signature-V2`
   * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications); unsigned without it.
   */
  ncsSecret?: string;
  /** How time moves. @default { mode: 'manual' } */
  clock?: ClockOptions;
  /**
   * Peak concurrent recordings before acquire answers 400 code 406
   * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices). @default 50
   */
  concurrencyQuota?: number;
  /**
   * Requests per second per App ID, real time, before 429
   * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices); 0 disables. @default 10
   */
  qpsLimit?: number;
  /**
   * Which clock the QPS limit counts seconds on: `real` (the default, see `rate-limit.ts`) or `emulated` (the emulator
   * clock; for a simulation whose simulated seconds pass much faster than real ones). @default 'real'
   */
  qpsClock?: 'real' | 'emulated';
  /**
   * How long the upload takes after a recording ends; a synchronous stop answers after it
   * (https://docs.agora.io/en/cloud-recording/rest-api/stop: Agora expects ≤ 20 s).
   * @default 0 with a manual clock (tests need no advance), 2000 with a wall clock
   */
  syncStopMs?: number;
  /**
   * A synchronous stop whose upload takes longer answers 400 code 50 "upload timeout"
   * (https://docs.agora.io/en/cloud-recording/rest-api/stop,
   * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices). @default 20000
   */
  syncStopTimeoutMs?: number;
  /** Time from a successful start until the recorder is ready (status 4) and its first events are sent. @default 0 */
  startupMs?: number;
  /**
   * Life of a resourceId before start answers 433 (https://docs.agora.io/en/cloud-recording/rest-api/acquire). @default
   * 300000 (5 min)
   */
  resourceTtlMs?: number;
  /**
   * After a recording ends, how long a repeated stop answers 400 code 49 before 404
   * (https://docs.agora.io/en/cloud-recording/rest-api/stop,
   * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices). @default 60000
   */
  exitGraceMs?: number;
  /**
   * Interval of `uploading_progress` (event 33) while recording
   * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications). @default 60000
   */
  progressIntervalMs?: number;
  /** With a `backuped` upload, delay until the backup cloud forwards the files (event 31). @default 60000 */
  backupForwardMs?: number;
  /**
   * NCS answer deadline per attempt, REAL ms (it measures the receiver, see `ncs.ts`),
   * https://docs.agora.io/en/cloud-recording/develop/receive-notifications. @default 10000
   */
  ncsTimeoutMs?: number;
  /**
   * NCS retry delays; the length is the number of retries
   * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications: up to 3). @default [0, 1000, 3000]
   */
  ncsRetryDelaysMs?: number[];
  /** Seed for probabilistic faults. @default 1 */
  faultSeed?: number;
  /** Fault rules active from the start (e.g. from the CLI). */
  faults?: FaultRule[];
  /**
   * Awaited when an Agora API request arrives, before it is logged or answered. A simulation that couples the manual
   * clock to another clock (test/sim: the Temporal time-skipping server) moves the emulator clock here, so every
   * request sees the time of the caller. @default none
   */
  beforeRequest?: () => Promise<void>;
}

/** Options with every default applied. */
export type ResolvedOptions = Required<
  Omit<EmulatorOptions, 'callbackUrl' | 'ncsSecret' | 'faults' | 'beforeRequest'>
> &
  Pick<EmulatorOptions, 'callbackUrl' | 'ncsSecret' | 'faults' | 'beforeRequest'>;

/** Applies the defaults. @throws RangeError on nonsensical values */
export function resolveOptions(opts: EmulatorOptions): ResolvedOptions {
  const clock = opts.clock ?? { mode: 'manual' };
  const resolved: ResolvedOptions = {
    port: opts.port ?? 0,
    host: opts.host ?? '127.0.0.1',
    appId: opts.appId,
    customerId: opts.customerId,
    customerSecret: opts.customerSecret,
    callbackUrl: opts.callbackUrl,
    ncsSecret: opts.ncsSecret,
    clock,
    concurrencyQuota: opts.concurrencyQuota ?? 50,
    qpsLimit: opts.qpsLimit ?? 10,
    qpsClock: opts.qpsClock ?? 'real',
    syncStopMs: opts.syncStopMs ?? (clock.mode === 'manual' ? 0 : 2000),
    syncStopTimeoutMs: opts.syncStopTimeoutMs ?? 20_000,
    startupMs: opts.startupMs ?? 0,
    resourceTtlMs: opts.resourceTtlMs ?? 5 * 60_000,
    exitGraceMs: opts.exitGraceMs ?? 60_000,
    progressIntervalMs: opts.progressIntervalMs ?? 60_000,
    backupForwardMs: opts.backupForwardMs ?? 60_000,
    ncsTimeoutMs: opts.ncsTimeoutMs ?? 10_000,
    ncsRetryDelaysMs: opts.ncsRetryDelaysMs ?? [0, 1000, 3000],
    faultSeed: opts.faultSeed ?? 1,
    faults: opts.faults,
    beforeRequest: opts.beforeRequest,
  };
  if (!resolved.appId || !resolved.customerId || !resolved.customerSecret) {
    throw new RangeError('emulator needs appId, customerId and customerSecret');
  }
  if (!(resolved.progressIntervalMs > 0)) throw new RangeError('progressIntervalMs must be > 0');
  if (resolved.callbackUrl !== undefined && !/^https?:$/.test(safeProtocol(resolved.callbackUrl))) {
    throw new RangeError('callbackUrl must be an http:// or https:// URL');
  }
  return resolved;
}

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}
