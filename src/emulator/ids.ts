/**
 * Identifiers the emulator hands out, shaped like Agora's (https://docs.agora.io/en/cloud-recording/rest-api/overview).
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** A resourceId: opaque, URL-safe and long (Agora's are hundreds of characters); clients must not assume a length. */
export function newResourceId(): string {
  return randomBytes(180).toString('base64url');
}

/** A sid: 32 lowercase hex characters, like the examples in Agora's docs. */
export function newSid(): string {
  return randomBytes(16).toString('hex');
}

/**
 * An NCS noticeId: stable across resends of the same notification
 * (https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
 */
export function newNoticeId(): string {
  return randomUUID();
}

/**
 * A random recorder uid in 1..2^32-1, used as `newUid` after an HA failover (event 12,
 * https://docs.agora.io/en/cloud-recording/develop/receive-notifications).
 */
export function newFailoverUid(): number {
  return 1 + (randomBytes(4).readUInt32BE(0) % 0xfffffffe);
}
