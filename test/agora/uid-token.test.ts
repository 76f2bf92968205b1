/**
 * Recorder uid policy (https://docs.agora.io/en/cloud-recording/rest-api/overview) and recorder token minting
 * (https://docs.agora.io/en/cloud-recording/rest-api/start token,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
import { AccessToken2, kRtcServiceType } from 'agora-token/src/AccessToken2';
import { AgoraConfigError } from '../../src/agora/errors';
import {
  UID_MAX,
  allocateRecorderUid,
  defaultRecorderUidRange,
  isRecorderUid,
  parseRecorderUid,
  parseUid,
} from '../../src/agora/uid';
import { MAX_TOKEN_LIFETIME_SECONDS, TOKEN_LIFETIME_MARGIN_SECONDS, mintRecorderToken } from '../../src/agora/token';
import { APP_CERTIFICATE, APP_ID } from '../support/agora';

describe('recorder uid policy', () => {
  it.each(['0', '', 'abc', '-1', '+5', '01', '1.5', ' 7', '4294967296', '99999999999', 'user-account'])(
    'refuses %j, naming the field',
    (bad) => {
      expect(() => parseUid(bad, 'input.uid')).toThrow(AgoraConfigError);
      expect(() => parseUid(bad, 'input.uid')).toThrow(/^input\.uid: must be a decimal string/);
    },
  );

  it('accepts 1..2^32-1 as canonical decimal strings (numbers too)', () => {
    expect(parseUid('1')).toBe('1');
    expect(parseUid(String(UID_MAX))).toBe('4294967295');
    expect(parseUid(527841)).toBe('527841');
    expect(() => parseUid(0)).toThrow(AgoraConfigError);
    expect(() => parseUid(1.5)).toThrow(AgoraConfigError);
  });

  it('keeps recorders in a configurable reserved range', () => {
    const range = { min: 900_000, max: 900_009 };
    expect(parseRecorderUid('900005', range)).toBe('900005');
    expect(() => parseRecorderUid('899999', range)).toThrow(/reserved range 900000\.\.900009/);
    expect(isRecorderUid('4294967295')).toBe(true);
    expect(isRecorderUid('1001')).toBe(false);
    expect(() => parseRecorderUid('5', { min: 10, max: 1 })).toThrow(/^recorderUidRange:/);
    expect(() => parseRecorderUid('5', { min: 0, max: 10 })).toThrow(/^recorderUidRange:/);
  });

  it('allocates uniformly inside the range, never "0"', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(allocateRecorderUid({ min: 1, max: 3 }));
    expect([...seen].sort()).toEqual(['1', '2', '3']);
    const uid = allocateRecorderUid();
    expect(Number(uid)).toBeGreaterThanOrEqual(defaultRecorderUidRange.min);
    expect(Number(uid)).toBeLessThanOrEqual(UID_MAX);
    expect(allocateRecorderUid({ min: 5, max: 9 }, (min) => min)).toBe('5');
    expect(() => allocateRecorderUid({ min: 5, max: 9 }, () => 0)).toThrow(AgoraConfigError);
  });
});

describe('recorder token minting', () => {
  const decode = (token: string) => {
    const t = new AccessToken2('', '', 0, 0);
    expect(t.from_string(token)).toBe(true);
    expect(t.verifySignature(APP_CERTIFICATE)).toBe(true);
    return t;
  };

  it('builds an AccessToken2 RTC token for the cname and uid, living the max duration plus the margin', () => {
    const { token, lifetimeSeconds } = mintRecorderToken({
      appId: APP_ID,
      appCertificate: APP_CERTIFICATE,
      cname: 'room-1',
      uid: '4294967001',
      maxDurationSeconds: 3 * 3600,
    });
    expect(lifetimeSeconds).toBe(3 * 3600 + TOKEN_LIFETIME_MARGIN_SECONDS);
    expect(token.startsWith('007')).toBe(true);
    expect(token).not.toContain(APP_CERTIFICATE);
    const decoded = decode(token);
    expect(String(decoded.appId)).toBe(APP_ID);
    expect(decoded.expire).toBe(lifetimeSeconds);
    const rtc = decoded.services.find((svc) => svc.__type === kRtcServiceType)!;
    expect(String(rtc.__channel_name)).toBe('room-1');
    expect(String(rtc.__uid)).toBe('4294967001');
    // Join-channel privilege (1) lasts as long as the token.
    expect(rtc.__privileges[1]).toBe(lifetimeSeconds);
  });

  it('caps at 24 h, and refuses a recording longer than Agora can cover, naming the field', () => {
    const base = { appId: APP_ID, appCertificate: APP_CERTIFICATE, cname: 'c', uid: '7' };
    expect(mintRecorderToken({ ...base, maxDurationSeconds: MAX_TOKEN_LIFETIME_SECONDS }).lifetimeSeconds).toBe(
      MAX_TOKEN_LIFETIME_SECONDS,
    );
    expect(() => mintRecorderToken({ ...base, maxDurationSeconds: MAX_TOKEN_LIFETIME_SECONDS + 1 })).toThrow(
      /^maxDurationSeconds: /,
    );
    expect(() => mintRecorderToken({ ...base, maxDurationSeconds: 0 })).toThrow(/^maxDurationSeconds: /);
    expect(() => mintRecorderToken({ ...base, uid: '0', maxDurationSeconds: 60 })).toThrow(/^uid: /);
    expect(() => mintRecorderToken({ ...base, appCertificate: '', maxDurationSeconds: 60 })).toThrow(
      /^appCertificate: /,
    );
    expect(() => mintRecorderToken({ ...base, appCertificate: 'not-hex', maxDurationSeconds: 60 })).toThrow(
      /^appCertificate: .*32 hex/,
    );
  });
});
