import { signNcsBody, verifyNcsSignature } from '../../src/agora/signature';

// https://docs.agora.io/en/cloud-recording/develop/receive-notifications test vectors, secret "secret". The docs pair
// the second body with the first row's digests; only the first (legacy) body reproduces the printed values, and the
// reference gives the second body its own digests.
const BODY_1 =
  '{"eventMs":1560408533119,"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}';
const BODY_2 =
  '{"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}';

describe('NCS signatures (notifications page)', () => {
  test('vector 1 reproduces exactly', () => {
    expect(signNcsBody('secret', BODY_1)).toEqual({
      v1: '033c62f40f687675f17f0f41f91a40c71c0f134c',
      v2: '6d3320c60b11101395b7fc8f9068748808a0aa1bfa064438e39d1bc2c7d74d99',
    });
  });

  test('vector 2 reproduces exactly', () => {
    expect(signNcsBody('secret', Buffer.from(BODY_2, 'utf8'))).toEqual({
      v1: '92ea60c5249b641f80de046d11e1cb2d15f1d1b2',
      v2: '6ba85d7c1122f6c51143cce7765f06c601c0fbd691987f4510e45b943b2639e8',
    });
  });

  test('verify accepts V2, or V1 when V2 is absent', () => {
    const sig = signNcsBody('secret', BODY_1);
    expect(verifyNcsSignature('secret', BODY_1, { signatureV2: sig.v2 })).toBe(true);
    expect(verifyNcsSignature('secret', BODY_1, { signature: sig.v1 })).toBe(true);
    expect(verifyNcsSignature('secret', BODY_1, { signatureV2: sig.v2.toUpperCase() })).toBe(true);
  });

  test('verify rejects a changed body, a wrong secret, a missing or truncated signature', () => {
    const sig = signNcsBody('secret', BODY_1);
    expect(verifyNcsSignature('secret', `${BODY_1} `, { signatureV2: sig.v2 })).toBe(false);
    expect(verifyNcsSignature('other', BODY_1, { signatureV2: sig.v2 })).toBe(false);
    expect(verifyNcsSignature('secret', BODY_1, {})).toBe(false);
    expect(verifyNcsSignature('secret', BODY_1, { signatureV2: sig.v2.slice(0, 10) })).toBe(false);
  });

  test('a forged V1 does not rescue a bad V2 (no downgrade)', () => {
    const sig = signNcsBody('secret', BODY_1);
    expect(verifyNcsSignature('secret', BODY_1, { signature: sig.v1, signatureV2: 'ab'.repeat(32) })).toBe(false);
  });
});
