/** The scenario draw is a pure function of the seed (issue 17): same seed, same schedule. */
import { closeBoundMs, drawScenario, mulberry32 } from './scenario';

describe('drawScenario', () => {
  it('gives the same schedule for the same seed', () => {
    for (const seed of [1, 2, 17, 200, 4_999]) expect(drawScenario(seed)).toEqual(drawScenario(seed));
  });

  it('gives different schedules for different seeds', () => {
    const distinct = new Set(
      Array.from({ length: 50 }, (_, i) => JSON.stringify({ ...drawScenario(i + 1), seed: 0, cname: '', uid: '' })),
    );
    expect(distinct.size).toBe(50);
  });

  it('keeps actions in time order and inside the policy ranges', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const s = drawScenario(seed);
      const times = s.actions.map((a) => a.at);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(s.policy.healthCheckIntervalSeconds).toBeGreaterThanOrEqual(10);
      expect(s.policy.maxDurationSeconds).toBeLessThan(s.resourceExpiredHour * 3600);
      if (s.policy.continueAsNewAfterEvents !== undefined)
        expect(s.policy.continueAsNewAfterEvents).toBeGreaterThanOrEqual(50);
      expect(closeBoundMs(s)).toBeGreaterThan(s.policy.maxDurationSeconds * 1000);
    }
  });

  it('draws the whole fault menu over a few hundred seeds', () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 400; seed++) {
      for (const a of drawScenario(seed).actions) {
        if (a.kind === 'fault') kinds.add(`${a.rule.kind}${'commit' in a.rule && a.rule.commit ? '+commit' : ''}`);
        else kinds.add(a.kind);
        if (a.kind === 'failover' && a.oldRecorderLeaveAfterMs !== undefined) kinds.add('oldRecorderLeave');
      }
    }
    for (const k of [
      'error',
      'error+commit',
      'code65+commit',
      'drop',
      'latency',
      'rateLimit',
      'notFound',
      'ncsDrop',
      'ncsDuplicate',
      'ncsReorder',
      'ncsDelay',
      'failover',
      'oldRecorderLeave',
      'restartWorker',
      'stopSignal',
      'stopUpdate',
      'cancel',
      'layoutSignal',
      'layoutUpdate',
      'subscription',
      'malformedNotification',
    ]) {
      expect([...kinds]).toContain(k);
    }
  });

  it('mulberry32 is deterministic and uniform enough', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});
