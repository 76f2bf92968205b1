/**
 * NCS (Agora Notifications) request signatures, https://docs.agora.io/en/cloud-recording/develop/receive-notifications
 * of the Agora reference.
 *
 * Agora signs the exact bytes of each notification body with the NCS secret (the one shown in the console's
 * Notifications page; not the REST customer secret, not the App Certificate):
 * - `Agora-Signature`: lowercase hex HMAC-SHA1(secret, body)
 * - `Agora-Signature-V2`: lowercase hex HMAC-SHA256(secret, body)
 *
 * The emulator signs with these functions; the NCS receiver verifies with {@link verifyNcsSignature}.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the HMAC-SHA1 signature (lower case, as Node exposes incoming header names). */
export const NCS_SIGNATURE_HEADER = 'agora-signature';
/** Header carrying the HMAC-SHA256 signature (lower case, as Node exposes incoming header names). */
export const NCS_SIGNATURE_V2_HEADER = 'agora-signature-v2';

/** The two signatures of one body, lowercase hex. */
export interface NcsSignatures {
  /** HMAC-SHA1, 40 hex characters: the `Agora-Signature` header. */
  v1: string;
  /** HMAC-SHA256, 64 hex characters: the `Agora-Signature-V2` header. */
  v2: string;
}

/**
 * Signs a notification body the way NCS does.
 *
 * @param secret the NCS secret
 * @param body the exact body bytes that will be sent (a string is taken as UTF-8)
 * @returns both signatures, lowercase hex
 */
export function signNcsBody(secret: string, body: Buffer | string): NcsSignatures {
  return {
    v1: createHmac('sha1', secret).update(body).digest('hex'),
    v2: createHmac('sha256', secret).update(body).digest('hex'),
  };
}

/** The signature headers as received; either may be missing. */
export interface NcsSignatureHeaders {
  /** Value of `Agora-Signature` (HMAC-SHA1 hex). */
  signature?: string | undefined;
  /** Value of `Agora-Signature-V2` (HMAC-SHA256 hex). */
  signatureV2?: string | undefined;
}

/**
 * Verifies a notification's signature over the raw body bytes, in constant time.
 *
 * Prefers `Agora-Signature-V2` (SHA-256) when present and falls back to `Agora-Signature` (SHA-1) only when V2 is
 * absent, so an attacker cannot downgrade a request that carries V2 by adding a forged V1.
 *
 * @param secret the NCS secret
 * @param rawBody the body bytes exactly as received, before any JSON parsing
 * @param headers the received signature header values
 * @returns true when the preferred signature present matches; false when it does not or when both are missing
 */
export function verifyNcsSignature(secret: string, rawBody: Buffer | string, headers: NcsSignatureHeaders): boolean {
  const expected = signNcsBody(secret, rawBody);
  if (headers.signatureV2 !== undefined) return safeHexEqual(expected.v2, headers.signatureV2);
  if (headers.signature !== undefined) return safeHexEqual(expected.v1, headers.signature);
  return false;
}

/**
 * Constant-time comparison of an expected lowercase hex digest with a received value. Hex is compared
 * case-insensitively (some proxies upper-case it); a length mismatch returns early, which leaks only the length of a
 * public algorithm's output.
 */
function safeHexEqual(expectedHex: string, receivedHex: string): boolean {
  const received = Buffer.from(receivedHex.trim().toLowerCase(), 'utf8');
  const expected = Buffer.from(expectedHex, 'utf8');
  if (received.length !== expected.length) return false;
  return timingSafeEqual(received, expected);
}
