/**
 * In-workflow validation of the input, layouts and subscriptions, in plain code. The client library validates the same
 * input with the zod schemas of src/agora/schemas.ts; the workflow checks again because other SDKs and the CLI can
 * start it with anything, and it must not spend an acquire on a request Agora will refuse. zod cannot run here (the
 * worker keeps module state per cached workflow), so these checks mirror the rules of
 * https://docs.agora.io/en/cloud-recording/rest-api/overview,
 * https://docs.agora.io/en/cloud-recording/rest-api/acquire, https://docs.agora.io/en/cloud-recording/rest-api/start
 * and https://docs.agora.io/en/cloud-recording/rest-api/update-layout by hand.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import {
  ALL_STREAMS,
  CNAME_CHARSET_TEXT,
  CNAME_MAX_BYTES_EXCLUSIVE,
  CNAME_PATTERN,
  COLOR_PATTERN,
  defaultRecordingPolicy,
  FILE_NAME_PREFIX_MAX_LENGTH,
  FILE_NAME_PREFIX_SEGMENT,
  LAYOUT_KEYS,
  MAX_LAYOUT_REGIONS,
  MAX_UID_LIST,
  policyRanges,
  RecordingFailureType,
  REGION_KEYS,
  RESOURCE_EXPIRED_HOUR,
  UID_MAX,
  UID_PATTERN,
  WEB_CNAME_MAX_BYTES,
  type MixLayout,
  type RecordingInput,
  type RecordingPolicy,
} from '../contract';

/** A problem with one field: its path (e.g. `policy.maxDurationSeconds`) and what is wrong. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** {@link RecordingPolicy} with every default applied. Seconds. */
export type ResolvedPolicy = Required<Omit<RecordingPolicy, 'continueAsNewAfterEvents'>> &
  Pick<RecordingPolicy, 'continueAsNewAfterEvents'>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isUid = (v: unknown): boolean => typeof v === 'string' && UID_PATTERN.test(v) && Number(v) <= UID_MAX;
const isUnit = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;

/** UTF-8 byte length without Buffer or TextEncoder (not guaranteed in the workflow sandbox). */
function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/**
 * Checks a full mix layout (the updateLayout clientRequest,
 * https://docs.agora.io/en/cloud-recording/rest-api/update-layout; the same fields in transcodingConfig,
 * https://docs.agora.io/en/cloud-recording/rest-api/start). Unknown keys are refused, as Agora refuses them (code 2).
 * @param layout the layout as received.
 * @param at the path prefix for messages, e.g. `layout`.
 * @returns the first problem, or undefined when the layout is valid.
 */
export function checkLayout(
  layout: unknown,
  at = 'layout',
  extraKeys: readonly string[] = [],
): FieldProblem | undefined {
  if (!isObject(layout)) return { field: at, message: 'must be an object' };
  for (const key of Object.keys(layout)) {
    if (!(LAYOUT_KEYS as readonly string[]).includes(key) && !extraKeys.includes(key)) {
      return {
        field: `${at}.${key}`,
        message: 'is not a layout field (updateLayout page)',
      };
    }
  }
  const { mixedVideoLayout, maxResolutionUid, backgroundColor, layoutConfig, backgroundConfig } = layout;
  if (mixedVideoLayout !== undefined && ![0, 1, 2, 3].includes(mixedVideoLayout as number)) {
    return { field: `${at}.mixedVideoLayout`, message: 'must be 0, 1, 2 or 3' };
  }
  if (maxResolutionUid !== undefined && !isUid(maxResolutionUid)) {
    return { field: `${at}.maxResolutionUid`, message: 'must be a uid string "1".."4294967295"' };
  }
  if (mixedVideoLayout === 2 && maxResolutionUid === undefined) {
    return { field: `${at}.maxResolutionUid`, message: 'is required when mixedVideoLayout is 2' };
  }
  if (backgroundColor !== undefined && !(typeof backgroundColor === 'string' && COLOR_PATTERN.test(backgroundColor))) {
    return { field: `${at}.backgroundColor`, message: 'must be #RRGGBB' };
  }
  for (const key of ['backgroundImage', 'defaultUserBackgroundImage'] as const) {
    if (layout[key] !== undefined && typeof layout[key] !== 'string') {
      return { field: `${at}.${key}`, message: 'must be a string (URL)' };
    }
  }
  if (layoutConfig !== undefined) {
    if (!Array.isArray(layoutConfig)) return { field: `${at}.layoutConfig`, message: 'must be an array' };
    if (layoutConfig.length > MAX_LAYOUT_REGIONS) {
      return { field: `${at}.layoutConfig`, message: `at most ${MAX_LAYOUT_REGIONS} regions` };
    }
    for (const [i, region] of layoutConfig.entries()) {
      const problem = checkRegion(region, `${at}.layoutConfig[${i}]`);
      if (problem) return problem;
    }
  }
  if (mixedVideoLayout === 3 && !(Array.isArray(layoutConfig) && layoutConfig.length > 0)) {
    return { field: `${at}.layoutConfig`, message: 'is required when mixedVideoLayout is 3' };
  }
  if (backgroundConfig !== undefined) {
    if (!Array.isArray(backgroundConfig)) return { field: `${at}.backgroundConfig`, message: 'must be an array' };
    for (const [i, bg] of backgroundConfig.entries()) {
      if (!isObject(bg) || !isUid(bg.uid) || typeof bg.image_url !== 'string' || bg.image_url === '') {
        return { field: `${at}.backgroundConfig[${i}]`, message: 'needs a uid string and a non-empty image_url' };
      }
    }
  }
  return undefined;
}

function checkRegion(region: unknown, at: string): FieldProblem | undefined {
  if (!isObject(region)) return { field: at, message: 'must be an object' };
  for (const key of Object.keys(region)) {
    if (!(REGION_KEYS as readonly string[]).includes(key))
      return {
        field: `${at}.${key}`,
        message: 'is not a region field (start page)',
      };
  }
  for (const key of ['x_axis', 'y_axis', 'width', 'height'] as const) {
    if (!isUnit(region[key])) return { field: `${at}.${key}`, message: 'must be a number in [0, 1]' };
  }
  if (region.alpha !== undefined && !isUnit(region.alpha)) {
    return { field: `${at}.alpha`, message: 'must be a number in [0, 1]' };
  }
  if (region.uid !== undefined && !isUid(region.uid)) {
    return { field: `${at}.uid`, message: 'must be a uid string "1".."4294967295"' };
  }
  if (region.render_mode !== undefined && region.render_mode !== 0 && region.render_mode !== 1) {
    return { field: `${at}.render_mode`, message: 'must be 0 or 1' };
  }
  return undefined;
}

/**
 * Checks subscription lists (update's streamSubscribe, https://docs.agora.io/en/cloud-recording/rest-api/update): at
 * most 32 uid strings or "#allstream#" per list; a subscribe list excludes the matching unsubscribe list.
 * @returns the first problem, or undefined when valid.
 */
export function checkSubscription(sub: unknown, at = 'subscription'): FieldProblem | undefined {
  if (!isObject(sub)) return { field: at, message: 'must be an object' };
  const lists = { audioUidList: 'Audio', videoUidList: 'Video' } as const;
  for (const key of Object.keys(sub)) {
    if (!(key in lists)) return { field: `${at}.${key}`, message: 'must be audioUidList or videoUidList' };
  }
  for (const [listKey, kind] of Object.entries(lists)) {
    const list = sub[listKey];
    if (list === undefined) continue;
    if (!isObject(list)) return { field: `${at}.${listKey}`, message: 'must be an object' };
    const allowed = [`subscribe${kind}Uids`, `unSubscribe${kind}Uids`, `unsubscribe${kind}Uids`];
    for (const [key, uids] of Object.entries(list)) {
      if (!allowed.includes(key))
        return { field: `${at}.${listKey}.${key}`, message: `must be one of ${allowed.join(', ')}` };
      if (!Array.isArray(uids) || uids.length > MAX_UID_LIST) {
        return { field: `${at}.${listKey}.${key}`, message: `must be an array of at most ${MAX_UID_LIST} entries` };
      }
      if (!uids.every((u) => u === ALL_STREAMS || isUid(u))) {
        return { field: `${at}.${listKey}.${key}`, message: 'entries must be uid strings or "#allstream#"' };
      }
    }
    const subscribing = list[`subscribe${kind}Uids`] !== undefined;
    if (subscribing && (list[`unSubscribe${kind}Uids`] ?? list[`unsubscribe${kind}Uids`]) !== undefined) {
      return { field: `${at}.${listKey}`, message: `subscribe${kind}Uids excludes the unsubscribe list` };
    }
  }
  return undefined;
}

/**
 * Extracts the layout fields of a transcodingConfig (https://docs.agora.io/en/cloud-recording/rest-api/start), the
 * initial layout of a mix recording.
 */
export function layoutOf(transcodingConfig: object | undefined): MixLayout | undefined {
  if (!transcodingConfig) return undefined;
  const source = transcodingConfig as Record<string, unknown>;
  const layout: Record<string, unknown> = {};
  for (const key of LAYOUT_KEYS) if (source[key] !== undefined) layout[key] = source[key];
  return layout;
}

function checkPolicy(policy: unknown, maxApiSeconds: number): FieldProblem | undefined {
  if (policy === undefined) return undefined;
  if (!isObject(policy)) return { field: 'policy', message: 'must be an object' };
  // No stricter than the client library's schema (src/input.ts), so what the client accepts the workflow runs.
  const ranges: Record<keyof RecordingPolicy, { min: number; max: number | undefined; integer: boolean }> =
    policyRanges;
  for (const key of Object.keys(policy)) {
    if (!(key in ranges)) return { field: `policy.${key}`, message: 'is not a policy field' };
  }
  for (const [key, { min, max: fixedMax, integer }] of Object.entries(ranges)) {
    const max = fixedMax ?? maxApiSeconds;
    const v = policy[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      return { field: `policy.${key}`, message: `must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}` };
    }
  }
  return undefined;
}

/** Every problem of the input that the workflow can see without calling Agora; the first few matter. */
export function inputProblems(input: unknown): FieldProblem[] {
  if (!isObject(input)) return [{ field: '(input)', message: 'must be an object' }];
  const p: FieldProblem[] = [];
  const { cname, uid, mode, storage, token, resourceExpiredHour } = input;
  if (mode !== 'individual' && mode !== 'mix' && mode !== 'web') {
    p.push({ field: 'mode', message: 'must be individual, mix or web' });
  }
  if (typeof cname !== 'string' || cname === '') p.push({ field: 'cname', message: 'must be a non-empty string' });
  else if (mode === 'web' && utf8Length(cname) > WEB_CNAME_MAX_BYTES) {
    p.push({ field: 'cname', message: `at most ${WEB_CNAME_MAX_BYTES} bytes` });
  } else if (mode !== 'web' && (utf8Length(cname) >= CNAME_MAX_BYTES_EXCLUSIVE || !CNAME_PATTERN.test(cname))) {
    p.push({
      field: 'cname',
      message: `must be under ${CNAME_MAX_BYTES_EXCLUSIVE} bytes of ${CNAME_CHARSET_TEXT.replace(' and ', ' ')}`,
    });
  }
  if (!isUid(uid)) p.push({ field: 'uid', message: 'must be a decimal string of an integer in 1..4294967295' });
  if (!isObject(storage) || typeof storage.profile !== 'string' || storage.profile === '') {
    p.push({ field: 'storage.profile', message: 'must name a storage profile configured on the worker' });
  } else if (storage.fileNamePrefix !== undefined) {
    const prefix = storage.fileNamePrefix;
    const ok = Array.isArray(prefix) && prefix.every((s) => typeof s === 'string' && FILE_NAME_PREFIX_SEGMENT.test(s));
    if (!ok || prefix.join('/').length > FILE_NAME_PREFIX_MAX_LENGTH) {
      p.push({
        field: 'storage.fileNamePrefix',
        message: `segments of a-z A-Z 0-9, at most ${FILE_NAME_PREFIX_MAX_LENGTH} characters joined`,
      });
    }
  }
  if (token !== undefined && (typeof token !== 'string' || token === '')) {
    p.push({ field: 'token', message: 'must be a non-empty string when given' });
  }
  const { encryptionProfile } = input;
  if (encryptionProfile !== undefined && (typeof encryptionProfile !== 'string' || encryptionProfile === '')) {
    p.push({ field: 'encryptionProfile', message: 'must name an encryption profile configured on the worker' });
  }
  const hours = resourceExpiredHour ?? RESOURCE_EXPIRED_HOUR.default;
  const { min: minHours, max: maxHours } = RESOURCE_EXPIRED_HOUR;
  if (typeof hours !== 'number' || !Number.isInteger(hours) || hours < minHours || hours > maxHours) {
    p.push({ field: 'resourceExpiredHour', message: `must be an integer in ${minHours}..${maxHours}` });
  }
  const policyProblem = checkPolicy(
    input.policy,
    (typeof hours === 'number' ? hours : RESOURCE_EXPIRED_HOUR.default) * 3600,
  );
  if (policyProblem) p.push(policyProblem);
  p.push(...modeProblems(input));
  return p;
}

/**
 * The mode rules of https://docs.agora.io/en/cloud-recording/rest-api/start (checkStartForMode in src/agora/schemas.ts,
 * by hand).
 */
function modeProblems(input: Record<string, unknown>): FieldProblem[] {
  const p: FieldProblem[] = [];
  const { mode, recordingConfig: rc, snapshotConfig, extensionServiceConfig: ext, recordingFileConfig } = input;
  if (mode === 'web') {
    const services = isObject(ext) && Array.isArray(ext.extensionServices) ? ext.extensionServices : [];
    if (!services.some((s) => isObject(s) && s.serviceName === 'web_recorder_service')) {
      p.push({ field: 'extensionServiceConfig', message: 'needs a web_recorder_service in web mode' });
    }
  } else if (mode === 'individual' || mode === 'mix') {
    if (!isObject(rc)) p.push({ field: 'recordingConfig', message: `is required in ${mode} mode` });
    else {
      for (const key of ['secret', 'salt']) {
        if (rc[key] !== undefined) {
          p.push({ field: `recordingConfig.${key}`, message: 'must not be in the input: name an encryptionProfile' });
        }
      }
      if (rc.channelType !== 0 && rc.channelType !== 1) {
        p.push({ field: 'recordingConfig.channelType', message: 'must be 0 (communication) or 1 (live broadcast)' });
      }
      if (mode === 'individual' && rc.transcodingConfig !== undefined) {
        p.push({ field: 'recordingConfig.transcodingConfig', message: 'is mix-only' });
      }
      if (mode === 'mix' && rc.transcodingConfig !== undefined) {
        const transcodingKeys = ['width', 'height', 'fps', 'bitrate'];
        const problem = checkLayout(rc.transcodingConfig, 'recordingConfig.transcodingConfig', transcodingKeys);
        if (problem) p.push(problem);
      }
    }
    if (mode === 'mix' && recordingFileConfig === undefined) {
      p.push({ field: 'recordingFileConfig', message: 'is required in mix mode' });
    }
  }
  if (snapshotConfig !== undefined && mode !== 'individual') {
    p.push({ field: 'snapshotConfig', message: 'is only allowed in individual mode' });
  }
  if (ext !== undefined && mode !== 'web' && !isObject(ext)) {
    p.push({ field: 'extensionServiceConfig', message: 'must be an object' });
  }
  return p;
}

/**
 * Refuses an invalid input: throws a non-retryable ApplicationFailure of type `InvalidRecordingInput` whose message
 * names the field(s), with the problems as details. Returns normally when the input is valid.
 */
export function assertValidInput(input: unknown): asserts input is RecordingInput {
  const problems = inputProblems(input);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 3).map((x) => `${x.field}: ${x.message}`);
  throw ApplicationFailure.create({
    type: RecordingFailureType.invalidInput,
    message: `invalid recording input: ${shown.join('; ')}`,
    nonRetryable: true,
    details: problems,
  });
}

/** Applies the defaults of {@link defaultRecordingPolicy} to the fields that are absent (or undefined). */
export function resolvePolicy(policy: RecordingPolicy | undefined): ResolvedPolicy {
  const given = Object.fromEntries(Object.entries(policy ?? {}).filter(([, v]) => v !== undefined));
  return { ...defaultRecordingPolicy, ...given };
}
