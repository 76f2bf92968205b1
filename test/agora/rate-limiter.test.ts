/**
 * SlidingWindowLimiter: the window bound, the service order (priority, then arrival), acquire→start reservations, and
 * aborts. Fake timers (Date.now included) make the schedule exact; one test runs on real time as a sanity check.
 */
import type { Endpoint } from '../../src/agora/outcomes';
import { SlidingWindowLimiter } from '../../src/agora/rate-limiter';

interface Grant {
  endpoint: Endpoint;
  key: string | undefined;
  at: number;
  label: string;
}

/** Takes through a limiter and records every grant, in grant order. */
function recorder(limiter: SlidingWindowLimiter) {
  const grants: Grant[] = [];
  const take = (endpoint: Endpoint, opts: { key?: string; signal?: AbortSignal; label?: string } = {}) =>
    limiter.take(endpoint, opts).then(() => {
      const grant = { endpoint, key: opts.key, at: Date.now(), label: opts.label ?? opts.key ?? endpoint };
      grants.push(grant);
      return grant;
    });
  return { grants, take, labels: () => grants.map((g) => g.label) };
}

/** Most grants inside any window of `windowMs` starting at a grant. */
function busiestWindow(grants: readonly Grant[], windowMs: number): number {
  const times = grants.map((g) => g.at).sort((a, b) => a - b);
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = 1_700_000_000_000;

describe('SlidingWindowLimiter (fake timers)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('never lets more than `limit` requests into any window, whatever the mix of endpoints', async () => {
    const { grants, take } = recorder(new SlidingWindowLimiter(10, 1_100));
    const random = seeded(7);
    const kinds: Endpoint[] = ['query', 'update', 'updateLayout', 'stop'];
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 150; i++) {
      setTimeout(() => {
        if (random() < 0.5) {
          const key = `rec${i}`;
          // An acquire, then its start 5-20 ms after the grant; some starts never come (a failed acquire).
          pending.push(
            take('acquire', { key }).then(() => {
              if (random() < 0.9) setTimeout(() => pending.push(take('start', { key })), 5 + random() * 15);
            }),
          );
        } else {
          pending.push(take(kinds[Math.floor(random() * kinds.length)]!));
        }
      }, random() * 6_000);
    }
    await jest.advanceTimersByTimeAsync(120_000);
    await Promise.all(pending);
    expect(grants.length).toBeGreaterThan(150);
    expect(busiestWindow(grants, 1_100)).toBe(10);
  });

  it('serves one priority first come first served, even when a later request arrives just as a slot frees', async () => {
    const { take, labels } = recorder(new SlidingWindowLimiter(1, 1_000));
    // A request arriving at t+1000 is scheduled before the waiters exist, so its timer fires first at that instant:
    // a retry loop let it take the freed slot ahead of everyone who had been waiting.
    setTimeout(() => void take('query', { label: 'late' }), 1_000);
    await take('query', { label: 'first' });
    void take('query', { label: 'a' });
    void take('query', { label: 'b' });
    void take('query', { label: 'c' });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(labels()).toEqual(['first', 'a', 'b', 'c', 'late']);
  });

  it('serves stop, then start, then updateLayout/update/query in arrival order, then acquire', async () => {
    const { grants, take, labels } = recorder(new SlidingWindowLimiter(1, 1_000));
    await take('query', { label: 'fills the window' });
    for (const endpoint of ['acquire', 'query', 'updateLayout', 'start', 'update', 'stop'] as const) {
      void take(endpoint, { label: endpoint });
    }
    await jest.advanceTimersByTimeAsync(10_000);
    expect(labels()).toEqual(['fills the window', 'stop', 'start', 'query', 'updateLayout', 'update', 'acquire']);
    expect(grants.map((g) => g.at - T0)).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000]);
  });

  it('lets a start waiting behind queued acquires go first', async () => {
    const { grants, take, labels } = recorder(new SlidingWindowLimiter(3, 1_000));
    for (const label of ['q1', 'q2', 'q3']) await take('query', { label });
    for (const key of ['a1', 'a2', 'a3']) void take('acquire', { key });
    await jest.advanceTimersByTimeAsync(500);
    void take('start', { key: 'earlier' });
    await jest.advanceTimersByTimeAsync(20_000);
    expect(labels().slice(3)).toEqual(['earlier', 'a1', 'a2', 'a3']);
    expect(grants[3]!.at - T0).toBe(1_000);
  });

  it('20 acquire→start pairs at 10 per window: every start is sent within a few ms of its own acquire', async () => {
    const windowMs = 1_100;
    const { grants, take } = recorder(new SlidingWindowLimiter(10, windowMs));
    const random = seeded(42);
    const gaps: number[] = [];
    // Each recording's local activities: acquire, then start once acquire has answered (5-20 ms later).
    const recordings = Array.from({ length: 20 }, async (_, i) => {
      const key = `4294967001 room${i}`;
      const acquired = await take('acquire', { key });
      await new Promise((resolve) => setTimeout(resolve, 5 + random() * 15));
      const started = await take('start', { key });
      gaps.push(started.at - acquired.at);
    });
    await jest.advanceTimersByTimeAsync(30_000);
    await Promise.all(recordings);
    expect(gaps).toHaveLength(20);
    // The answer→start delay alone is ≤ 20 ms; the limiter adds nothing to it.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(20);
    expect(busiestWindow(grants, windowMs)).toBeLessThanOrEqual(10);
    // The price: at most half of each window goes to acquires, so 40 requests take 4 windows, as FIFO would.
    expect(Math.max(...grants.map((g) => g.at - T0))).toBeLessThan(4 * windowMs);
  });

  it("holds an acquire's reservation until its start, and lets it lapse after reservationTtlMs when none comes", async () => {
    const { grants, take } = recorder(new SlidingWindowLimiter(2, 1_000, 10_000));
    await take('acquire', { key: 'never-started' });
    // Room for this acquire and its start, but not for the start still owed to the first.
    const second = take('acquire', { key: 'second' });
    await jest.advanceTimersByTimeAsync(9_999);
    expect(grants).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect((await second).at - T0).toBe(10_000);
  });

  it("is released by the start of the same cname+uid, not by another recording's start", async () => {
    const { take } = recorder(new SlidingWindowLimiter(2, 1_000));
    await take('acquire', { key: 'a' });
    const second = take('acquire', { key: 'b' });
    await jest.advanceTimersByTimeAsync(2_000);
    // Had it redeemed a's reservation, b would go when this start leaves the window, at 3000.
    await take('start', { key: 'someone else' });
    await jest.advanceTimersByTimeAsync(2_000);
    await take('start', { key: 'a' });
    // Limit 2 holds b until the window is empty again: a's start leaves it at 5000.
    await jest.advanceTimersByTimeAsync(1_000);
    expect((await second).at - T0).toBe(5_000);
  });

  it('renews one reservation when the same cname+uid is acquired again (a failover attempt or a retry)', async () => {
    const { take } = recorder(new SlidingWindowLimiter(3, 1_000));
    await take('acquire', { key: 'a' });
    // 1 sent + this acquire + the one start a owes fit in 3; a second reservation would not.
    expect((await take('acquire', { key: 'a' })).at).toBe(T0);
    const b = take('acquire', { key: 'b' });
    await take('start', { key: 'a' });
    await jest.advanceTimersByTimeAsync(1_000);
    // One start redeemed a's only reservation: b and its start fit in the next window.
    expect((await b).at - T0).toBe(1_000);
  });

  it('with limit 1, an acquire still goes when nothing is owed', async () => {
    const { grants, take } = recorder(new SlidingWindowLimiter(1, 1_000));
    void take('acquire', { key: 'a' });
    void take('acquire', { key: 'b' });
    await jest.advanceTimersByTimeAsync(1_000);
    void take('start', { key: 'a' });
    await jest.advanceTimersByTimeAsync(2_000);
    expect(grants.map((g) => `${g.endpoint} ${g.key} ${g.at - T0}`)).toEqual([
      'acquire a 0',
      'start a 1000',
      'acquire b 2000',
    ]);
  });

  it('an aborted waiter leaves the queue: it rejects with AbortError and the next waiter takes its slot', async () => {
    const { take, labels, grants } = recorder(new SlidingWindowLimiter(1, 1_000));
    await take('query', { label: 'fills the window' });
    const controller = new AbortController();
    const aborted = take('start', { key: 'a', signal: controller.signal });
    const next = take('query', { label: 'next' });
    await jest.advanceTimersByTimeAsync(500);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await jest.advanceTimersByTimeAsync(500);
    expect((await next).at - T0).toBe(1_000);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(labels()).toEqual(['fills the window', 'next']);
    expect(grants).toHaveLength(2);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a signal already aborted rejects at once and takes nothing', async () => {
    const { take } = recorder(new SlidingWindowLimiter(1, 1_000));
    await expect(take('query', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect((await take('query')).at).toBe(T0);
  });
});

describe('SlidingWindowLimiter (real time)', () => {
  it('spaces 9 requests at 3 per 100 ms window over three windows', async () => {
    const { grants, take } = recorder(new SlidingWindowLimiter(3, 100));
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 9 }, () => take('query')));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    // 1 ms of slack: the test reads the clock just after the limiter does.
    expect(busiestWindow(grants, 99)).toBeLessThanOrEqual(3);
  });
});
