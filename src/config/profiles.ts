/**
 * Storage and encryption profiles: the worker's named storage configurations (`STORAGE_PROFILES` and the per-field
 * `STORAGE_PROFILE_<NAME>_<FIELD>` variables) and channel decryption settings (`ENCRYPTION_PROFILES`). Recordings name
 * a profile; the keys stay here and in the activities that resolve them, never in workflow input or history.
 */
import { z } from 'zod';
import { storageConfigSchema, type EncryptionProfile, type Same, type StorageProfile } from '../agora/schemas';
import { ConfigError, type Env } from './env';
import { plainDecimal } from './numbers';

export type { EncryptionProfile, StorageProfile };

/** A storage profile as configured: storageConfig without fileNamePrefix (that comes from the workflow input). */
const storageProfileSchema = storageConfigSchema.omit({ fileNamePrefix: true });
export const storageProfileMatchesType: Same<StorageProfile, z.infer<typeof storageProfileSchema>> = true;

/**
 * Reads storage profiles from `STORAGE_PROFILES` (JSON object name → storageConfig) and from per-profile variables
 * `STORAGE_PROFILE_<NAME>_{VENDOR,REGION,BUCKET,ACCESS_KEY,SECRET_KEY,STS_TOKEN,ENDPOINT}` (NAME lower-cased;
 * per-profile variables override the JSON field by field).
 * @returns name → storageConfig. @throws ConfigError naming the profile and field (never a value).
 */
export function loadStorageProfiles(env: Env = process.env): Record<string, StorageProfile> {
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
    const [, profileName, fieldName] = /^STORAGE_PROFILE_([A-Z0-9]+)_([A-Z_]+)$/.exec(key) ?? [];
    if (profileName === undefined || fieldName === undefined || value === undefined || value === '') continue;
    const name = profileName.toLowerCase();
    const field = fields[fieldName];
    if (!field) {
      problems.push(`${key}: unknown storage field ${fieldName}`);
      continue;
    }
    const profile = (raw[name] ??= {});
    // A number that is not plain decimal stays text, so the schema refuses it naming the field ("1e1", " ", "0x1").
    const v = field[1] === 'number' ? (plainDecimal(value) ?? value) : value;
    if (field[0] === 'endpoint') profile.extensionParams = { ...(profile.extensionParams as object), endpoint: v };
    else profile[field[0]] = v;
  }
  const out: Record<string, StorageProfile> = {};
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

/**
 * Channel decryption settings of one encryption profile (https://docs.agora.io/en/cloud-recording/rest-api/start:
 * decryptionMode 1..8 needs a secret).
 */
export const encryptionProfileSchema = z.strictObject({
  decryptionMode: z.number().int().min(1).max(8),
  secret: z.string().min(1),
  salt: z.string().min(1).optional(),
});
export const encryptionProfileMatchesType: Same<EncryptionProfile, z.infer<typeof encryptionProfileSchema>> = true;

/**
 * Reads `ENCRYPTION_PROFILES`: a JSON object name → `{decryptionMode, secret, salt?}`. Recordings name a profile
 * (`encryptionProfile`), so the keys never enter workflow input or history.
 * @returns name → settings. @throws ConfigError naming the profile and field (never a value).
 */
export function loadEncryptionProfiles(env: Env = process.env): Record<string, EncryptionProfile> {
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
