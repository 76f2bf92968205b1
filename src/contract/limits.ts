/**
 * Limits shared by the zod schemas (src/agora/schemas.ts, src/input.ts) and the workflow's own checks
 * (src/workflows/validate.ts), so the two cannot drift. From Agora's pages: uid and cname
 * https://docs.agora.io/en/cloud-recording/rest-api/acquire, layout
 * https://docs.agora.io/en/cloud-recording/rest-api/update-layout, file name prefix
 * https://docs.agora.io/en/cloud-recording/rest-api/start.
 */

/** Largest uid Agora accepts: 2^32 - 1. */
export const UID_MAX = 4_294_967_295;
/** A uid as a decimal string without a leading zero (also checked against {@link UID_MAX}). */
export const UID_PATTERN = /^[1-9][0-9]{0,9}$/;
/** The subscribe-list entry that means every stream. */
export const ALL_STREAMS = '#allstream#';
/** At most this many entries in one subscribe/unsubscribe list. */
export const MAX_UID_LIST = 32;

/** Characters Agora allows in an RTC channel name. */
export const CNAME_PATTERN = /^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]+$/;
/** An RTC channel name is shorter than this many UTF-8 bytes. */
export const CNAME_MAX_BYTES_EXCLUSIVE = 64;
/** A web-mode cname is only a label: at most this many UTF-8 bytes. */
export const WEB_CNAME_MAX_BYTES = 1024;
/** The characters of {@link CNAME_PATTERN}, for messages. */
export const CNAME_CHARSET_TEXT = 'a-z A-Z 0-9 space and ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ ,';

/** `#RRGGBB`. */
export const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;
/** The layout fields of updateLayout's clientRequest (the same ones sit in transcodingConfig). */
export const LAYOUT_KEYS = [
  'maxResolutionUid',
  'mixedVideoLayout',
  'backgroundColor',
  'backgroundImage',
  'defaultUserBackgroundImage',
  'layoutConfig',
  'backgroundConfig',
] as const;
/** The fields of one layoutConfig region. */
export const REGION_KEYS = ['uid', 'x_axis', 'y_axis', 'width', 'height', 'alpha', 'render_mode'] as const;
/** At most this many regions in layoutConfig. */
export const MAX_LAYOUT_REGIONS = 17;

/** One fileNamePrefix segment. */
export const FILE_NAME_PREFIX_SEGMENT = /^[a-zA-Z0-9]+$/;
/** The segments joined with "/" are at most this many characters. */
export const FILE_NAME_PREFIX_MAX_LENGTH = 128;

/** resourceExpiredHour: hours the API stays usable after start. */
export const RESOURCE_EXPIRED_HOUR = { min: 1, max: 720, default: 72 } as const;

/** A week, in seconds: the upper bound of the policy's durations. */
export const WEEK_SECONDS = 7 * 86_400;

/**
 * The accepted range of each {@link RecordingPolicy} field, in its unit (seconds, or a count). maxDurationSeconds is
 * also bounded by resourceExpiredHour (the API must still be usable to stop). The workflow accepts fractions where
 * `integer` is false; the client library's schema asks for integers everywhere.
 */
export const policyRanges = {
  maxDurationSeconds: { min: 1, max: undefined, integer: false },
  uploadTimeoutSeconds: { min: 1, max: WEEK_SECONDS, integer: false },
  healthCheckIntervalSeconds: { min: 10, max: WEEK_SECONDS, integer: false },
  maxAcquireAttempts: { min: 1, max: 20, integer: true },
  failoverWindowSeconds: { min: 0, max: WEEK_SECONDS, integer: false },
  startWindowSeconds: { min: 1, max: 290, integer: false },
  continueAsNewAfterEvents: { min: 50, max: 50_000, integer: true },
} as const satisfies Record<string, { min: number; max: number | undefined; integer: boolean }>;

/** Defaults of RecordingPolicy, in seconds (maxAcquireAttempts: a count). */
export const defaultRecordingPolicy = {
  maxDurationSeconds: 14_400,
  uploadTimeoutSeconds: 600,
  healthCheckIntervalSeconds: 1_800,
  maxAcquireAttempts: 3,
  failoverWindowSeconds: 90,
  startWindowSeconds: 270,
} as const;
