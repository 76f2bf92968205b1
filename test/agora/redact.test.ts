/** Redaction by key and by value. */
import { REDACTED, Redactor, basicAuthHeader, isSecretKey } from '../../src/agora/redact';

describe('Redactor', () => {
  const r = new Redactor(['storage-secret-value', undefined, 'ab']).addBasicCredentials('cid', 'customer-secret-1');

  it('replaces known values anywhere in a string, including the Basic header and base64 forms', () => {
    const header = basicAuthHeader('cid', 'customer-secret-1');
    expect(header).toBe(`Basic ${Buffer.from('cid:customer-secret-1').toString('base64')}`);
    expect(r.string(`auth ${header} key storage-secret-value x`)).toBe(`auth ${REDACTED} key ${REDACTED} x`);
    expect(r.string(Buffer.from('customer-secret-1').toString('base64'))).toBe(REDACTED);
    // Values shorter than 4 characters are not secrets worth mangling messages for.
    expect(r.string('ab cd')).toBe('ab cd');
  });

  it('redacts secret-named keys whatever their value, deeply, and scrubs strings elsewhere', () => {
    const out = r.value({
      headers: { Authorization: 'Basic zzz', 'Content-Type': 'application/json' },
      clientRequest: {
        token: 'rtc-token',
        storageConfig: { accessKey: 'unknown-key', secretKey: 'x', bucket: 'b', stsToken: '' },
        recordingConfig: { secret: 's3cr3t', salt: 'salty', channelType: 0 },
      },
      note: 'contains storage-secret-value inside',
      list: [{ appCertificate: 'c' }],
    });
    expect(out).toEqual({
      headers: { Authorization: REDACTED, 'Content-Type': 'application/json' },
      clientRequest: {
        token: REDACTED,
        storageConfig: { accessKey: REDACTED, secretKey: REDACTED, bucket: 'b', stsToken: '' },
        recordingConfig: { secret: REDACTED, salt: REDACTED, channelType: 0 },
      },
      note: `contains ${REDACTED} inside`,
      list: [{ appCertificate: REDACTED }],
    });
  });

  it('cuts cycles and bounds depth', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(r.value(a)).toEqual({ name: 'a', self: '[Circular]' });
    let deep: unknown = 'leaf';
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(JSON.stringify(r.value(deep))).toContain('[Truncated]');
  });

  it('keeps per-call values bounded (oldest dropped), and never drops configured ones', () => {
    const small = new Redactor(['configured-secret'], 2);
    small.addTransient('token-number-1', 'token-number-2', 'configured-secret');
    // Each value also adds its base64 form: 2 slots hold only the newest value and its base64.
    expect(small.string('token-number-1 token-number-2 configured-secret')).toBe(
      `token-number-1 ${REDACTED} ${REDACTED}`,
    );
  });

  it('knows the credential key names, case- and separator-insensitively', () => {
    for (const k of [
      'Authorization',
      'secret_key',
      'SecretKey',
      'access-key',
      'stsToken',
      'customerSecret',
      'app_certificate',
    ]) {
      expect(isSecretKey(k)).toBe(true);
    }
    for (const k of ['bucket', 'vendor', 'sid', 'resourceId']) expect(isSecretKey(k)).toBe(false);
  });
});
