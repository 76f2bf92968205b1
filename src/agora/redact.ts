/**
 * Secret redaction for everything the Agora client logs or throws.
 *
 * Two layers, because either alone leaks:
 * - by key: any object key that names a credential (`authorization`, `accessKey`, `secretKey`, `stsToken`, `secret`,
 *   `token`, `customerSecret`, `appCertificate`, ...) has its value replaced, whatever the value is (a storage key we
 *   were never told about is still hidden);
 * - by value: every configured secret string (and the Basic credential derived from the customer ID and secret) is
 *   replaced wherever it appears inside any string (error messages, zod issues that echo input, URLs).
 *
 * Secrets named by the issue and docs/architecture.md "Where the secrets live": customer secret, the Authorization
 * header, storage accessKey/secretKey/stsToken, recordingConfig.secret (and salt), the App Certificate, the NCS secret.
 */

/** What replaces a secret. */
export const REDACTED = '[REDACTED]';

/**
 * The names of the keys whose values are secrets, spelled as they appear in requests, configuration and log objects.
 * The one list of them: the {@link Redactor} compares keys against it case-insensitively, ignoring `-` and `_`; the
 * process logger censors these keys (src/runtime/logging.ts) and the emulator masks them in its call log
 * (src/emulator/mask.ts).
 */
export const secretKeyNames: readonly string[] = [
  'authorization',
  'proxyAuthorization',
  'cookie',
  'setCookie',
  'password',
  'customerSecret',
  'appCertificate',
  'certificate',
  'ncsSecret',
  'accessKey',
  'secretKey',
  'stsToken',
  'secret',
  'salt',
  'token',
  'auth',
  'apiKey',
];

/** {@link secretKeyNames}, normalised (see {@link isSecretKey}). */
const SECRET_KEYS = new Set(secretKeyNames.map(normaliseKey));

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** True when a key names a credential: one of {@link secretKeyNames}, ignoring case, `-` and `_`. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(normaliseKey(key));
}

/** The values to hide for each secret: itself, its base64 form and its URL-encoded form; short values skipped. */
function variants(secrets: readonly (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const s of secrets) {
    if (s === undefined || s.length < 4) continue;
    out.push(s, Buffer.from(s, 'utf8').toString('base64'));
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out.push(encoded);
  }
  return out;
}

/**
 * The value of the Basic `Authorization` header for these credentials (RFC 7617,
 * https://docs.agora.io/en/cloud-recording/rest-api/restful-authentication).
 */
export function basicAuthHeader(customerId: string, customerSecret: string): string {
  return `Basic ${Buffer.from(`${customerId}:${customerSecret}`, 'utf8').toString('base64')}`;
}

/**
 * Redacts known secret values from strings and secret-named keys from objects.
 *
 * Build one per client from its configuration; {@link Redactor.add} more values (e.g. storage keys resolved from a
 * profile) as they become known. Values shorter than 4 characters are ignored: replacing "a" everywhere would mangle
 * messages without protecting anything.
 */
export class Redactor {
  private readonly values = new Set<string>();
  /** Per-call values (minted tokens, STS credentials fetched per call), oldest first, bounded. */
  private readonly transient = new Set<string>();
  private sorted: string[] | undefined;

  /**
   * @param secrets secret strings to hide wherever they appear; `undefined` and empty entries are skipped.
   * @param maxTransient how many per-call values {@link Redactor.addTransient} keeps (oldest dropped first).
   */
  constructor(
    secrets: Iterable<string | undefined> = [],
    private readonly maxTransient = 512,
  ) {
    this.add(...secrets);
  }

  /**
   * Adds secret values for the life of the redactor (configuration: customer secret, certificate, storage keys).
   * For each value its base64 and URL-encoded forms are added too.
   * @returns this redactor, for chaining.
   */
  add(...secrets: (string | undefined)[]): this {
    for (const v of variants(secrets)) this.values.add(v);
    this.sorted = undefined;
    return this;
  }

  /**
   * Adds per-call secret values (a minted token, credentials fetched for one call). Only the most recent
   * `maxTransient` are kept, so a long-running worker does not accumulate one entry per recording forever.
   * @returns this redactor, for chaining.
   */
  addTransient(...secrets: (string | undefined)[]): this {
    for (const v of variants(secrets)) {
      if (this.values.has(v)) continue;
      this.transient.delete(v);
      this.transient.add(v);
    }
    while (this.transient.size > this.maxTransient) {
      const oldest = this.transient.values().next();
      if (oldest.done) break;
      this.transient.delete(oldest.value);
    }
    this.sorted = undefined;
    return this;
  }

  /** Adds the customer credentials and the `Authorization` header derived from them. */
  addBasicCredentials(customerId: string, customerSecret: string): this {
    const header = basicAuthHeader(customerId, customerSecret);
    return this.add(customerSecret, header, header.slice('Basic '.length));
  }

  /** Replaces every known secret value inside `text` with {@link REDACTED}. Longest values first. */
  string(text: string): string {
    let out = text;
    this.sorted ??= [...this.values, ...this.transient].sort((a, b) => b.length - a.length);
    for (const v of this.sorted) {
      if (out.includes(v)) out = out.split(v).join(REDACTED);
    }
    return out;
  }

  /**
   * A deep copy of `value` with secret-named keys replaced and secret values scrubbed from every string.
   * Cycles are cut (`[Circular]`); depth is bounded (8) so a hostile body cannot blow the stack.
   */
  value(value: unknown): unknown {
    return this.walk(value, 0, new WeakSet());
  }

  private walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.string(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    if (depth >= 8) return '[Truncated]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretKey(k) && v !== undefined && v !== null && v !== '' ? REDACTED : this.walk(v, depth + 1, seen);
    }
    return out;
  }
}
