import { signalsWorkflow } from '../../src/receiver/receiver';

const n = (eventType: number, details: Record<string, unknown> = {}) => ({ eventType, payload: { details } });

describe('signalsWorkflow: only what the recording workflow acts on reaches its history', () => {
  it.each([40, 41, 11, 12, 31, 32, 1, 3, 4, 71])('event %i is signalled', (eventType) => {
    expect(signalsWorkflow(n(eventType))).toBe(true);
  });
  it.each([2, 30, 42, 43, 44, 45, 70, 72, 73, 90, 100])('event %i is not', (eventType) => {
    expect(signalsWorkflow(n(eventType))).toBe(false);
  });
  it('upload progress only once complete (10000), not every minute while recording', () => {
    expect(signalsWorkflow(n(33, { progress: 4_200 }))).toBe(false);
    expect(signalsWorkflow(n(33, { progress: 10_000 }))).toBe(true);
  });
  it('a status update (3) unless its status says the task runs (4 or 5, query page)', () => {
    for (const status of [4, 5, '4', '5']) expect(signalsWorkflow(n(3, { status }))).toBe(false);
    for (const status of [0, 1, 2, 3, 6, 7, 8, 20, '7', '5.0', 'running', null]) {
      expect(signalsWorkflow(n(3, { status }))).toBe(true);
    }
    expect(signalsWorkflow(n(3))).toBe(true);
  });
});
