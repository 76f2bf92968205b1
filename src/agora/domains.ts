/**
 * Agora's regional domains and the failover order of
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices (as implemented by Agora's
 * official Go client): per area, two region prefixes in order, each under two suffixes in the area's preferred order:
 *
 * | area | prefixes                              | suffixes             |
 * |------|---------------------------------------|----------------------|
 * | US   | api-us-west-1, api-us-east-1          | agora.io, sd-rtn.com |
 * | EU   | api-eu-west-1, api-eu-central-1       | agora.io, sd-rtn.com |
 * | AP   | api-ap-southeast-1, api-ap-northeast-1| agora.io, sd-rtn.com |
 * | CN   | api-cn-east-1, api-cn-north-1         | sd-rtn.com, agora.io |
 *
 * The documented ladder: retry the same domain once, then the alternate suffix, then the adjacent region; a network
 * error that is NOT a DNS failure skips the alternate suffix and goes straight to the adjacent region.
 */

/**
 * The area configured for the client
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
export type AgoraArea = 'US' | 'EU' | 'AP' | 'CN';

/**
 * Region prefixes tried, in order, per area
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
export const regionPrefixes: Readonly<Record<AgoraArea, readonly [string, string]>> = {
  US: ['api-us-west-1', 'api-us-east-1'],
  EU: ['api-eu-west-1', 'api-eu-central-1'],
  AP: ['api-ap-southeast-1', 'api-ap-northeast-1'],
  CN: ['api-cn-east-1', 'api-cn-north-1'],
};

/**
 * Domain suffixes in preference order, per area
 * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
 */
export const suffixPreference: Readonly<Record<AgoraArea, readonly [string, string]>> = {
  US: ['agora.io', 'sd-rtn.com'],
  EU: ['agora.io', 'sd-rtn.com'],
  AP: ['agora.io', 'sd-rtn.com'],
  CN: ['sd-rtn.com', 'agora.io'],
};

/** One candidate base URL and where it sits in the ladder. */
export interface DomainCandidate {
  /** Base URL without a trailing slash, e.g. `https://api-us-west-1.agora.io`. */
  readonly baseUrl: string;
  /** Index of the region prefix (0 = primary region). */
  readonly region: number;
  /** Index of the suffix (0 = preferred suffix). */
  readonly suffix: number;
}

/**
 * The candidates for an area, in ladder order: region 0 under both suffixes, then region 1 under both suffixes.
 * @param area US, EU, AP or CN.
 * @returns four `https://` base URLs.
 */
export function regionalDomains(area: AgoraArea): DomainCandidate[] {
  const out: DomainCandidate[] = [];
  regionPrefixes[area].forEach((prefix, region) => {
    suffixPreference[area].forEach((sfx, suffix) => {
      out.push({ baseUrl: `https://${prefix}.${sfx}`, region, suffix });
    });
  });
  return out;
}

/** What went wrong with the last attempt, as far as domain choice is concerned. */
export type FailureKind = 'dns' | 'network' | 'server';

/**
 * Picks the next candidate after a failure on `current`, following
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices:
 * - a DNS failure moves to the alternate suffix of the same region (then on to the next region);
 * - any other network failure or a 5xx moves to the next region, keeping the preferred suffix;
 * - the list wraps around, so a long outage cycles through every domain.
 * Candidate lists that are not a region × suffix grid (explicit base URLs) simply advance by one.
 * @param candidates the ladder (from {@link regionalDomains} or explicit base URLs).
 * @param current index of the candidate that failed.
 * @param kind the failure kind.
 * @returns the index of the candidate to try next.
 */
export function nextDomainIndex(candidates: readonly DomainCandidate[], current: number, kind: FailureKind): number {
  const n = candidates.length;
  if (n <= 1) return 0;
  const here = candidates[current];
  const isGrid = candidates.some((c) => c.suffix > 0);
  if (!here || !isGrid || kind === 'dns') return (current + 1) % n;
  // Skip the alternate suffix: the next candidate in a different region, preferring the same suffix as now.
  for (let step = 1; step < n; step++) {
    const c = candidates[(current + step) % n];
    if (c && c.region !== here.region && c.suffix === here.suffix) return (current + step) % n;
  }
  return (current + 1) % n;
}

/**
 * Candidates for explicit base URLs (the emulator, a proxy, or a test's "closed port first" list), tried in order.
 * @param baseUrls one or more base URLs; a trailing slash is removed.
 */
export function explicitDomains(baseUrls: readonly string[]): DomainCandidate[] {
  return baseUrls.map((u, i) => ({ baseUrl: u.replace(/\/+$/, ''), region: i, suffix: 0 }));
}
