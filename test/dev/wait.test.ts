import { waitFor, WaitTimeoutError } from '../../src/dev/wait';

describe('waitFor', () => {
  it('returns the first defined answer', async () => {
    let n = 0;
    expect(await waitFor('the third probe', () => (++n >= 3 ? n : undefined), { everyMs: 1 })).toBe(3);
  });

  it('retries a probe that throws, and names what it awaited and the last error when it times out', async () => {
    let n = 0;
    const wait = waitFor(
      'the worker',
      () => {
        n++;
        throw new Error('worker exited (1)');
      },
      { timeoutMs: 50, everyMs: 10 },
    );
    await expect(wait).rejects.toThrow(new WaitTimeoutError('the worker', 50, new Error('worker exited (1)')));
    await expect(wait).rejects.toThrow('timed out after 50 ms waiting for the worker: worker exited (1)');
    expect(n).toBeGreaterThan(1);
  });

  it("fails at once with the probe's error with onError: 'throw'", async () => {
    let n = 0;
    const wait = waitFor(
      'the echo worker',
      () => {
        n++;
        throw new Error('echo worker exited');
      },
      { timeoutMs: 10_000, everyMs: 1, onError: 'throw' },
    );
    await expect(wait).rejects.toThrow('echo worker exited');
    expect(n).toBe(1);
  });

  it('probes at least once, even with no time at all', async () => {
    expect(await waitFor('a value', () => 'ready', 0)).toBe('ready');
    await expect(waitFor('nothing', () => undefined, 0)).rejects.toBeInstanceOf(WaitTimeoutError);
  });
});
