import { EmulatorClock } from '../../src/emulator/clock';

describe('emulator clock', () => {
  test('manual: time stands still until advanced; timers fire in time order, each at its own time', async () => {
    const clock = new EmulatorClock({ mode: 'manual', startMs: 1_000 });
    const fired: [string, number][] = [];
    clock.after(300, () => fired.push(['b', clock.now()]));
    clock.after(100, () => fired.push(['a', clock.now()]));
    clock.after(100, () => fired.push(['a2', clock.now()]));
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now()).toBe(1_000);
    expect(fired).toEqual([]);
    await clock.advance(200);
    expect(fired).toEqual([
      ['a', 1_100],
      ['a2', 1_100],
    ]);
    expect(clock.now()).toBe(1_200);
    await clock.advance(100);
    expect(fired.at(-1)).toEqual(['b', 1_300]);
    clock.close();
  });

  test('manual: timers scheduled by timers inside the window also run', async () => {
    const clock = new EmulatorClock({ mode: 'manual', startMs: 0 });
    const fired: number[] = [];
    const tick = () => {
      fired.push(clock.now());
      if (fired.length < 5) clock.after(60_000, tick);
    };
    clock.after(60_000, tick);
    await clock.advance(180_000);
    expect(fired).toEqual([60_000, 120_000, 180_000]);
    clock.close();
  });

  test('a cancelled timer does not fire; an already-due timer runs without an advance', async () => {
    const clock = new EmulatorClock({ mode: 'manual', startMs: 0 });
    const fired: string[] = [];
    clock.after(10, () => fired.push('cancelled')).cancel();
    clock.after(0, () => fired.push('due'));
    await new Promise((r) => setImmediate(r));
    await clock.advance(20);
    expect(fired).toEqual(['due']);
    clock.close();
  });

  test('wall with speedUp: emulated time runs faster and timers fire on their own', async () => {
    const clock = new EmulatorClock({ mode: 'wall', speedUp: 100 });
    const t0 = clock.now();
    const fired = new Promise<number>((resolve) =>
      clock.after(5_000, () => {
        resolve(clock.now());
      }),
    );
    const at = await fired; // 5 s emulated = 50 ms real
    expect(at - t0).toBeGreaterThanOrEqual(5_000);
    expect(at - t0).toBeLessThan(60_000);
    clock.close();
  });

  test('wall: a deadline beyond setTimeout’s range (30 days) does not fire early', async () => {
    const spy = jest.spyOn(global, 'setTimeout');
    const clock = new EmulatorClock({ mode: 'wall' });
    let fired = false;
    clock.after(30 * 24 * 3_600_000, () => (fired = true));
    await new Promise((r) => setImmediate(r));
    // Node clamps a delay above 2^31-1 ms to 1 ms: the clock would spin instead of waiting.
    const delays = spy.mock.calls.map((c) => c[1] ?? 0);
    spy.mockRestore();
    expect(fired).toBe(false);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
    clock.close();
  });

  test('wall: advance jumps ahead', async () => {
    const clock = new EmulatorClock({ mode: 'wall' });
    const t0 = clock.now();
    let fired = false;
    clock.after(3_600_000, () => (fired = true));
    await clock.advance(3_600_000);
    expect(fired).toBe(true);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(3_600_000);
    clock.close();
  });

  test('rejects a negative advance and a non-positive speedUp', async () => {
    const clock = new EmulatorClock({ mode: 'manual' });
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    expect(() => new EmulatorClock({ mode: 'wall', speedUp: 0 })).toThrow(RangeError);
    clock.close();
  });
});
