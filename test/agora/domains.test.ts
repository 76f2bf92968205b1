/**
 * The https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices domain ladder: areas,
 * prefixes, suffix preference, and which failure moves where.
 */
import { explicitDomains, nextDomainIndex, regionalDomains } from '../../src/agora/domains';

describe('regional domains (best practices)', () => {
  it.each([
    [
      'US',
      ['api-us-west-1.agora.io', 'api-us-west-1.sd-rtn.com', 'api-us-east-1.agora.io', 'api-us-east-1.sd-rtn.com'],
    ],
    [
      'EU',
      [
        'api-eu-west-1.agora.io',
        'api-eu-west-1.sd-rtn.com',
        'api-eu-central-1.agora.io',
        'api-eu-central-1.sd-rtn.com',
      ],
    ],
    [
      'AP',
      [
        'api-ap-southeast-1.agora.io',
        'api-ap-southeast-1.sd-rtn.com',
        'api-ap-northeast-1.agora.io',
        'api-ap-northeast-1.sd-rtn.com',
      ],
    ],
    [
      'CN',
      ['api-cn-east-1.sd-rtn.com', 'api-cn-east-1.agora.io', 'api-cn-north-1.sd-rtn.com', 'api-cn-north-1.agora.io'],
    ],
  ] as const)('%s: region prefixes in order, preferred suffix first', (area, hosts) => {
    expect(regionalDomains(area).map((d) => d.baseUrl)).toEqual(hosts.map((h) => `https://${h}`));
  });

  it('a DNS failure tries the alternate suffix of the same region', () => {
    const eu = regionalDomains('EU');
    expect(eu[nextDomainIndex(eu, 0, 'dns')]!.baseUrl).toBe('https://api-eu-west-1.sd-rtn.com');
  });

  it('another network error or a 5xx skips the alternate suffix and goes to the adjacent region', () => {
    const eu = regionalDomains('EU');
    expect(eu[nextDomainIndex(eu, 0, 'network')]!.baseUrl).toBe('https://api-eu-central-1.agora.io');
    expect(eu[nextDomainIndex(eu, 0, 'server')]!.baseUrl).toBe('https://api-eu-central-1.agora.io');
    // From the alternate suffix, the adjacent region keeps that suffix; and the ladder wraps around.
    expect(eu[nextDomainIndex(eu, 1, 'network')]!.baseUrl).toBe('https://api-eu-central-1.sd-rtn.com');
    expect(eu[nextDomainIndex(eu, 2, 'network')]!.baseUrl).toBe('https://api-eu-west-1.agora.io');
    expect(nextDomainIndex(eu, 3, 'dns')).toBe(0);
  });

  it('explicit base URLs are tried in order, trailing slashes removed; one URL retries itself', () => {
    const list = explicitDomains(['http://a:1/', 'http://b:2']);
    expect(list.map((d) => d.baseUrl)).toEqual(['http://a:1', 'http://b:2']);
    expect(nextDomainIndex(list, 0, 'network')).toBe(1);
    expect(nextDomainIndex(list, 1, 'dns')).toBe(0);
    expect(nextDomainIndex(explicitDomains(['http://only']), 0, 'network')).toBe(0);
  });
});
