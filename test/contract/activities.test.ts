/**
 * Activity options agree with the client and the failures: timeouts leave room for the HTTP budget (stop ≥ 30 s, above
 * the 25 s stop timeout), and every failure type thrown non-retryable is in the non-retryable list (and only those).
 * That the options stay free of runtime dependencies (the workflow bundle imports them) is src/contract's lint rule.
 */
import { activityOptions, nonRetryableAgoraFailures, AgoraFailureType } from '../../src/contract';
import { failureForAnswer } from '../../src/activities/failures';
import { defaultTimeoutsMs } from '../../src/agora/client';
import { endpoints, outcomes } from '../../src/agora/outcomes';

const seconds = (d: string): number => {
  const m = /^(\d+) (second|minute)s?$/.exec(d);
  if (!m) throw new Error(`unexpected duration ${d}`);
  return Number(m[1]) * (m[2] === 'minute' ? 60 : 1);
};

describe('activity options', () => {
  it('every start-to-close exceeds its endpoint timeout; stop allows ≥ 30 s and a 25 s sync stop', () => {
    for (const e of endpoints) {
      expect(seconds(activityOptions[e].startToCloseTimeout) * 1000).toBeGreaterThan(defaultTimeoutsMs[e]);
    }
    expect(seconds(activityOptions.stop.startToCloseTimeout)).toBeGreaterThanOrEqual(30);
    expect(defaultTimeoutsMs.stop).toBeGreaterThanOrEqual(25_000);
  });

  it('the non-retryable list is exactly the failure types the activities throw as non-retryable', () => {
    const thrown = new Map<string, boolean>();
    for (const endpoint of endpoints) {
      for (const outcome of outcomes) {
        for (const code of [undefined, 53]) {
          const answer = { endpoint, outcome, code, rowId: 'x', httpStatus: 400, host: 'h', attempts: 1, body: {} };
          const f = failureForAnswer(answer);
          thrown.set(String(f.type), f.nonRetryable === true);
        }
      }
    }
    // Thrown outside failureForAnswer: network (retryable); invalid response, unknown profile (non-retryable).
    thrown.set(AgoraFailureType.network, false);
    thrown.set(AgoraFailureType.invalidResponse, true);
    thrown.set(AgoraFailureType.unknownStorageProfile, true);
    const nonRetryable = [...thrown].filter(([, nr]) => nr).map(([t]) => t);
    expect(new Set(nonRetryable)).toEqual(new Set(nonRetryableAgoraFailures));
    expect(new Set(thrown.keys())).toEqual(new Set(Object.values(AgoraFailureType)));
    for (const e of endpoints)
      expect(activityOptions[e].retry.nonRetryableErrorTypes).toEqual(nonRetryableAgoraFailures);
  });
});
