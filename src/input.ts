/**
 * zod schema of {@link RecordingInput}, the recording workflow's input, for validation at the edge (the client library
 * and CLI) before anything reaches Temporal. Built from the Agora request schemas in src/agora/schemas.ts, so the rules
 * are the ones Agora applies (https://docs.agora.io/en/cloud-recording/rest-api/overview,
 * https://docs.agora.io/en/cloud-recording/rest-api/acquire, https://docs.agora.io/en/cloud-recording/rest-api/start).
 * The workflow re-checks its input without zod.
 *
 * docs/recording-input.schema.json is generated from {@link recordingInputSchema} by `npm run schema` (zod 4's
 * `z.toJSONSchema`) for callers that use another Temporal SDK or the `temporal` CLI; a test keeps it current.
 */
import { z } from 'zod';
import {
  checkStartForMode,
  cnameSchema,
  extensionServiceConfigSchema,
  fileNamePrefixSchema,
  joinPath,
  mixLayoutSchema,
  modeSchema,
  recordingConfigSchema,
  recordingFileConfigSchema,
  snapshotConfigSchema,
  streamSubscribeSchema,
  uidSchema,
  webCnameSchema,
  type StartClientRequest,
} from './agora/schemas';
import {
  defaultRecordingPolicy,
  policyRanges,
  RESOURCE_EXPIRED_HOUR,
  type MixLayout,
  type RecordingInput,
  type RecordingPolicy,
  type StreamSubscribe,
} from './contract';

/**
 * One {@link RecordingPolicy} field: an integer in the contract's range (policyRanges; maxDurationSeconds is bounded by
 * resourceExpiredHour in checkInput instead), described with its default.
 */
function policyField(key: keyof typeof policyRanges, description: string) {
  const { min, max } = policyRanges[key];
  const n = z.number().int().min(min);
  return (max === undefined ? n : n.max(max)).optional().describe(description);
}

/** {@link RecordingPolicy}: durations in seconds; the same ranges as the workflow's own check (validate.ts). */
export const recordingPolicySchema = z.strictObject({
  maxDurationSeconds: policyField(
    'maxDurationSeconds',
    `Stop automatically after this long in the recording state; default ${defaultRecordingPolicy.maxDurationSeconds} s (4 h).`,
  ),
  uploadTimeoutSeconds: policyField(
    'uploadTimeoutSeconds',
    `After stop, wait at most this long for uploaded/backuped; default ${defaultRecordingPolicy.uploadTimeoutSeconds} s.`,
  ),
  healthCheckIntervalSeconds: policyField(
    'healthCheckIntervalSeconds',
    `Query fallback cadence while recording (NCS events come first); default ${defaultRecordingPolicy.healthCheckIntervalSeconds} s.`,
  ),
  maxAcquireAttempts: policyField(
    'maxAcquireAttempts',
    `acquire attempts; default ${defaultRecordingPolicy.maxAcquireAttempts}.`,
  ),
  failoverWindowSeconds: policyField(
    'failoverWindowSeconds',
    `A query 404 shorter than this is a failover in progress, not death; default ${defaultRecordingPolicy.failoverWindowSeconds} s.`,
  ),
  startWindowSeconds: policyField(
    'startWindowSeconds',
    `How long after acquire start is retried on one resourceId (it lives 300 s); default ${defaultRecordingPolicy.startWindowSeconds} s.`,
  ),
  continueAsNewAfterEvents: policyField(
    'continueAsNewAfterEvents',
    'Continue-as-new at this history length too; default: only when the server suggests it.',
  ),
});

const recordingInputShape = {
  cname: z
    .string()
    .min(1)
    .describe('Channel to record (REST overview): < 64 bytes of the RTC charset; in web mode a label.'),
  uid: uidSchema.describe('Recorder uid: decimal string of an integer in 1..4294967295, unused in the channel.'),
  mode: modeSchema,
  recordingConfig: recordingConfigSchema.optional(),
  recordingFileConfig: recordingFileConfigSchema.optional(),
  snapshotConfig: snapshotConfigSchema.optional(),
  extensionServiceConfig: extensionServiceConfigSchema.optional(),
  storage: z
    .strictObject({
      profile: z.string().min(1).describe('Storage profile configured on the worker (STORAGE_PROFILES).'),
      fileNamePrefix: fileNamePrefixSchema.optional(),
    })
    .describe('Where files go: a worker-side profile name (no secret in the input) and a file-name prefix.'),
  encryptionProfile: z
    .string()
    .min(1)
    .optional()
    .describe('Channel decryption by reference: an encryption profile configured on the worker (ENCRYPTION_PROFILES).'),
  token: z.string().min(1).optional().describe('RTC token of the recorder uid; minted by the worker when absent.'),
  resourceExpiredHour: z.number().int().min(RESOURCE_EXPIRED_HOUR.min).max(RESOURCE_EXPIRED_HOUR.max).optional(),
  policy: recordingPolicySchema.optional(),
};

/**
 * Cross-field rules: the mode rules of https://docs.agora.io/en/cloud-recording/rest-api/start and durations that must
 * fit the API window.
 */
function checkInput(
  v: {
    mode: RecordingInput['mode'];
    cname: string;
    resourceExpiredHour?: number | undefined;
    policy?: { maxDurationSeconds?: number | undefined } | undefined;
  } & Omit<StartClientRequest, 'storageConfig'>,
  ctx: z.RefinementCtx,
): void {
  const cname = (v.mode === 'web' ? webCnameSchema : cnameSchema).safeParse(v.cname);
  if (!cname.success) {
    for (const i of cname.error.issues) ctx.addIssue({ code: 'custom', path: ['cname'], message: i.message });
  }
  // Decryption keys never enter workflow history: the input names a worker-side encryption profile instead.
  for (const key of ['secret', 'salt'] as const) {
    if (v.recordingConfig?.[key] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['recordingConfig', key],
        message: 'must not be in the input: name an encryptionProfile',
      });
    }
  }
  for (const p of checkStartForMode(v.mode, { ...v, storageConfig: undefined as never })) {
    ctx.addIssue({ code: 'custom', path: p.path.replace(/^clientRequest\./, '').split('.'), message: p.message });
  }
  const hours = v.resourceExpiredHour ?? RESOURCE_EXPIRED_HOUR.default;
  const max = v.policy?.maxDurationSeconds ?? defaultRecordingPolicy.maxDurationSeconds;
  if (max >= hours * 3600) {
    ctx.addIssue({
      code: 'custom',
      path: ['policy', 'maxDurationSeconds'],
      message: `must be shorter than resourceExpiredHour (${hours} h), or the recording cannot be stopped through the API`,
    });
  }
}

/** The workflow input, uid required: what `temporal workflow start --input` must send (and the JSON Schema). */
export const recordingInputSchema = z
  .strictObject(recordingInputShape)
  .superRefine(checkInput)
  .describe('Input of the recordingWorkflow (agora-recording-worker).');

/** The client library's start input: a RecordingInput whose uid may be omitted (the client allocates one). */
export const startRecordingInputSchema = z
  .strictObject({ ...recordingInputShape, uid: uidSchema.optional() })
  .superRefine(checkInput);

/** `true` when A and B have the same keys; `never` otherwise (a compile error where `true` is assigned). */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : never) : never;
// The schemas must follow the contract in src/contract: tsc fails here when a field is added to one only.
export const inputKeysInSync: SameKeys<RecordingInput, z.infer<typeof recordingInputSchema>> = true;
export const policyKeysInSync: SameKeys<RecordingPolicy, z.infer<typeof recordingPolicySchema>> = true;

/** What {@link startRecordingInputSchema} accepts. */
export type StartRecordingInput = Omit<RecordingInput, 'uid'> & { uid?: string };

/** Thrown by the client library when an input fails validation. `message` names the field; values are never shown. */
export class RecordingInputError extends Error {
  /** One entry per problem: `path: message`, e.g. `uid: must be at most 4294967295`. */
  readonly issues: string[];
  constructor(issues: string[], what = 'recording input') {
    super(`invalid ${what}: ${issues.join('; ')}`);
    this.issues = issues;
    this.name = 'RecordingInputError';
  }
}

/** One line per offending field (its first problem), at most 5: `path: message`. Values are never shown. */
function fieldProblems(err: z.ZodError): string[] {
  const byPath = new Map<string, string>();
  for (const issue of err.issues) {
    const key = joinPath('', issue.path);
    if (!byPath.has(key)) byPath.set(key, `${key}: ${issue.message}`);
  }
  return [...byPath.values()].slice(0, 5);
}

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new RecordingInputError(fieldProblems(r.error), what);
  return r.data;
}

/**
 * Validates a start input (uid optional).
 * @returns the parsed input (same shape). @throws RecordingInputError naming the offending field(s).
 */
export function parseStartInput(value: unknown): StartRecordingInput {
  return check(startRecordingInputSchema, value, 'recording input');
}

/** Validates a complete workflow input (uid required). @throws RecordingInputError naming the field(s). */
export function parseRecordingInput(value: unknown): RecordingInput {
  return check<RecordingInput>(recordingInputSchema, value, 'recording input');
}

/**
 * Validates a full mix layout (https://docs.agora.io/en/cloud-recording/rest-api/update-layout). @throws
 * RecordingInputError naming the field(s).
 */
export function parseMixLayout(value: unknown): MixLayout {
  return check(mixLayoutSchema, value, 'layout');
}

/**
 * Validates a subscription (https://docs.agora.io/en/cloud-recording/rest-api/update). @throws RecordingInputError
 * naming the field(s).
 */
export function parseStreamSubscribe(value: unknown): StreamSubscribe {
  return check(streamSubscribeSchema, value, 'subscription');
}

/**
 * The JSON Schema (draft 2020-12) of the workflow input, as written to docs/recording-input.schema.json. Cross-field
 * rules (mode rules, cname charset per mode) are described, not encoded: the client and workflow check them.
 */
export function recordingInputJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(recordingInputSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    $schema: schema.$schema,
    title: 'RecordingInput',
    ...schema,
  };
}
