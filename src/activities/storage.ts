/**
 * Storage profiles: the worker's named storage configurations (https://docs.agora.io/en/cloud-recording/rest-api/start,
 * vendor/region/bucket and the keys). The workflow only ever names a profile and passes a fileNamePrefix; the keys are
 * resolved here, inside the activity, so they never enter workflow input or history (docs/architecture.md "Where the
 * secrets live").
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  fileNamePrefixSchema,
  storageConfigSchema,
  describeZodError,
  type EncryptionProfile,
  type StorageConfig,
  type StorageProfile,
} from '../agora/schemas';
import type { Redactor } from '../agora/redact';
import { AgoraFailureType } from '../contract';

/** The profile types are the Agora domain's (src/agora/schemas.ts); src/config parses the same types. */
export type { EncryptionProfile, StorageProfile };

/**
 * Where profiles come from: a fixed map (from the worker's config), or a function (e.g. one that mints fresh STS
 * credentials per call) returning the profile or undefined when the name is unknown.
 */
export type StorageProfiles =
  | Readonly<Record<string, StorageProfile>>
  | ((name: string) => StorageProfile | undefined | Promise<StorageProfile | undefined>);

/**
 * Resolves an encryption profile and registers its secrets with the redactor.
 * @throws ApplicationFailure `AgoraInvalidRequest` (non-retryable) naming `encryptionProfile` when it is unknown.
 */
export function resolveEncryption(
  profiles: Readonly<Record<string, EncryptionProfile>> | undefined,
  name: string,
  redactor: Redactor,
): EncryptionProfile {
  const profile = profiles && Object.prototype.hasOwnProperty.call(profiles, name) ? profiles[name] : undefined;
  if (!profile) {
    throw ApplicationFailure.create({
      message: `encryptionProfile: no encryption profile named "${redactor.string(name)}" is configured on this worker`,
      type: AgoraFailureType.invalidRequest,
      nonRetryable: true,
      details: [{ field: 'encryptionProfile' }],
    });
  }
  redactor.addTransient(profile.secret, profile.salt);
  return profile;
}

/**
 * Resolves a storage profile into the storageConfig to send, and registers its secrets with the redactor.
 * @param profiles the worker's profiles.
 * @param name the profile name from the workflow.
 * @param fileNamePrefix directory segments from the workflow (https://docs.agora.io/en/cloud-recording/rest-api/start:
 * a-z A-Z 0-9, ≤ 128 chars joined).
 * @throws ApplicationFailure `UnknownStorageProfile` (non-retryable) when the name is not configured;
 *   `AgoraInvalidRequest` (non-retryable) when the prefix or the profile is invalid, naming the field, never a value.
 */
export async function resolveStorage(
  profiles: StorageProfiles,
  name: string,
  fileNamePrefix: readonly string[] | undefined,
  redactor: Redactor,
): Promise<StorageConfig> {
  const profile =
    typeof profiles === 'function'
      ? await profiles(name)
      : Object.prototype.hasOwnProperty.call(profiles, name)
        ? profiles[name]
        : undefined;
  if (!profile) {
    throw ApplicationFailure.create({
      message: `storageProfile: no storage profile named "${redactor.string(name)}" is configured on this worker`,
      type: AgoraFailureType.unknownStorageProfile,
      nonRetryable: true,
      details: [{ field: 'storageProfile' }],
    });
  }
  redactor.addTransient(profile.accessKey, profile.secretKey, profile.stsToken);
  if (fileNamePrefix !== undefined) {
    const prefix = fileNamePrefixSchema.safeParse(fileNamePrefix);
    if (!prefix.success) {
      throw ApplicationFailure.create({
        message: `Invalid storage request: ${describeZodError(prefix.error, 'fileNamePrefix')}`,
        type: AgoraFailureType.invalidRequest,
        nonRetryable: true,
        details: [{ field: 'fileNamePrefix' }],
      });
    }
  }
  const config = { ...profile, ...(fileNamePrefix === undefined ? {} : { fileNamePrefix: [...fileNamePrefix] }) };
  const parsed = storageConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw ApplicationFailure.create({
      message: redactor.string(
        `Storage profile "${name}" is invalid: ${describeZodError(parsed.error, 'storageProfiles.' + name)}`,
      ),
      type: AgoraFailureType.invalidRequest,
      nonRetryable: true,
      details: [{ field: 'storageProfile' }],
    });
  }
  return parsed.data;
}
