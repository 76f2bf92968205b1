/**
 * HTTP Basic authentication as Agora's gateway applies it
 * (https://docs.agora.io/en/cloud-recording/rest-api/restful-authentication):
 * - no `Authorization` header → 401 `{"message": "Unauthorized"}`
 * - anything else that is not `Basic base64(customerId:customerSecret)` → 401
 *   `{"message": "Invalid authentication credentials"}`
 * The scheme is matched case-insensitively (an official sample sends `basic `).
 */
import { timingSafeEqual } from 'node:crypto';

export type AuthResult = { ok: true } | { ok: false; message: 'Unauthorized' | 'Invalid authentication credentials' };

/**
 * @param header the raw `Authorization` header value, if any
 * @param customerId the configured Customer ID
 * @param customerSecret the configured Customer Secret
 */
export function checkBasicAuth(header: string | undefined, customerId: string, customerSecret: string): AuthResult {
  if (header === undefined || header === '') return { ok: false, message: 'Unauthorized' };
  const match = /^basic\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return { ok: false, message: 'Invalid authentication credentials' };
  const received = Buffer.from(match[1], 'base64');
  const expected = Buffer.from(`${customerId}:${customerSecret}`, 'utf8');
  // Constant time so the emulator is a fair stand-in when clients are fuzzed for timing leaks.
  const same = received.length === expected.length && timingSafeEqual(received, expected);
  return same ? { ok: true } : { ok: false, message: 'Invalid authentication credentials' };
}
