/**
 * Recorder uid policy (https://docs.agora.io/en/cloud-recording/rest-api/overview): a recorder uid is a decimal string
 * of an integer in 1..2^32-1 (never "0"; no sign, no leading zeros, no user-account strings), and must not collide with
 * a user of the channel. Recorders take their uids from a reserved range the application never gives to people, so a
 * collision cannot happen.
 */
import { randomInt } from 'node:crypto';
import { AgoraConfigError } from './errors';
import { UID_MAX } from './schemas';

export { UID_MAX };

/** An inclusive range of uids reserved for recorders. */
export interface UidRange {
  /** Smallest reserved uid, ≥ 1. */
  min: number;
  /** Largest reserved uid, ≤ 2^32-1. */
  max: number;
}

/**
 * Default reserved range: the top 10 million uids (4 284 967 296 .. 4 294 967 295). Apps that hand out small
 * sequential or random 31-bit uids never reach it.
 */
export const defaultRecorderUidRange: Readonly<UidRange> = { min: UID_MAX - 9_999_999, max: UID_MAX };

/**
 * Checks that a range is usable.
 * @throws AgoraConfigError naming `recorderUidRange` when min/max are not integers with 1 ≤ min ≤ max ≤ 2^32-1.
 */
export function assertUidRange(range: UidRange): void {
  const { min, max } = range;
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 1 || max > UID_MAX || min > max) {
    throw new AgoraConfigError('recorderUidRange', `must satisfy 1 <= min <= max <= ${UID_MAX}`);
  }
}

/**
 * Normalises and checks a uid.
 * @param uid a decimal string or a non-negative integer.
 * @param field the field name used in the error (e.g. `uid`, `input.uid`).
 * @returns the canonical decimal string, e.g. `"527841"`.
 * @throws AgoraConfigError naming `field` when the uid is "0", not an integer, signed, has leading zeros, or > 2^32-1.
 */
export function parseUid(uid: string | number, field = 'uid'): string {
  const text = typeof uid === 'number' ? (Number.isSafeInteger(uid) ? String(uid) : '') : uid;
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > UID_MAX) {
    throw new AgoraConfigError(field, `must be a decimal string of an integer in 1..${UID_MAX}, e.g. "527841"`);
  }
  return text;
}

/**
 * Checks a recorder uid: a valid uid (see {@link parseUid}) inside the reserved range.
 * @returns the canonical decimal string.
 * @throws AgoraConfigError naming `field` when invalid or outside `range`.
 */
export function parseRecorderUid(
  uid: string | number,
  range: UidRange = defaultRecorderUidRange,
  field = 'uid',
): string {
  assertUidRange(range);
  const text = parseUid(uid, field);
  const n = Number(text);
  if (n < range.min || n > range.max) {
    throw new AgoraConfigError(field, `must be a recorder uid in the reserved range ${range.min}..${range.max}`);
  }
  return text;
}

/** True when `uid` is a valid recorder uid in `range`. */
export function isRecorderUid(uid: string, range: UidRange = defaultRecorderUidRange): boolean {
  try {
    parseRecorderUid(uid, range);
    return true;
  } catch {
    return false;
  }
}

/**
 * Picks a random recorder uid from the reserved range (uniform, crypto RNG).
 * @param range the reserved range. @default {@link defaultRecorderUidRange}
 * @param random a source of integers in [min, max] (tests inject one). @default crypto.randomInt
 * @returns a decimal string, never "0".
 * @throws AgoraConfigError when the range is invalid.
 */
export function allocateRecorderUid(
  range: UidRange = defaultRecorderUidRange,
  random: (min: number, maxInclusive: number) => number = (min, max) => randomInt(min, max + 1),
): string {
  assertUidRange(range);
  return parseRecorderUid(random(range.min, range.max), range);
}
