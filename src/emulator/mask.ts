/**
 * Secret masking for the call log: request bodies carry storage keys (`storageConfig.accessKey`, `secretKey`,
 * `stsToken`), the RTC `token` and decryption `secret`/`salt`
 * (https://docs.agora.io/en/cloud-recording/rest-api/start). The log is read by tests and benchmarks and may be
 * printed, so those values never enter it.
 */
import { secretKeyNames } from '../agora/redact';

/** Keys whose values are replaced, wherever they appear in a body: the Agora redaction's secret key names. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(secretKeyNames);

/** The replacement text. */
export const MASK = '***';

/** Deep copy of `value` with every {@link SECRET_KEYS} value replaced by {@link MASK}. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) && v !== undefined ? MASK : maskSecrets(v);
    return out;
  }
  return value;
}
