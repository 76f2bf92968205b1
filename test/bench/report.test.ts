/**
 * The bench's verdicts (bench/report.ts, issue 7's goals) on two recorded runs: `npm run bench -- --full` of
 * 2026-11-30 14:43 UTC and a default `npm run bench` of 15:03 UTC on a fresh clone (test/fixtures/bench).
 */
import { markdown, rows, type BenchResults } from '../../bench/report';
import { medianRound, type ThroughputRound } from '../../bench/sections/throughput';
import fullRun from '../fixtures/bench/full-run.json';
import defaultRun from '../fixtures/bench/default-run.json';

const verdicts = (r: BenchResults) => Object.fromEntries(rows(r).map((x) => [x.measure, x.verdict]));

test('the full run: every goal judged, start throughput the one not met', () => {
  const v = verdicts(fullRun as BenchResults);
  expect(v).toEqual({
    'Start throughput: recordings ÷ no-op workflows': 'not met',
    'Worker RSS per live recording (slope over N = 250, 1000, 2000)': 'met',
    'Sticky-cache forced evictions at N = 2000': 'met',
    'Idle worker CPU, N = 2000, no NCS traffic, health checks at the steady-state rate': 'met',
    "Idle worker CPU, N = 2000, with Agora's per-minute uploading_progress": 'met',
    'acquire → start gap p99, density ramp (Agora limits lifted)': 'met',
    'Agora calls per lifecycle ÷ minimum (5: acquire, start, 2 layouts, stop)': 'met',
    '429s starting 40 recordings at once (10 req/s limit)': 'met',
    'acquire → start gap p99, burst at Agora limits': 'met',
    'Workflow start → Agora start, burst at Agora limits': '—',
    'History events per recording-hour at rest (workflow only)': 'met',
    'History events per recording-hour at rest, with Agora’s per-minute uploading_progress': 'met',
    'History events per lifecycle (1 layout, no NCS)': 'met',
    'History events per lifecycle (1 layout, with the session’s NCS: 0 of 9 signalled)': 'met',
    'Signal → updateLayout at the emulator, p99 ÷ echo p99': 'met',
    'Workflow start → Agora start, one recording on a quiet stack': '—',
  });
  const throughput = rows(fullRun as BenchResults)[0]!;
  // The median round's own rates are shown, so that they give the ratio (29.7 ÷ 83.1 = 0.357).
  expect(throughput.value).toBe('0.36 (median of 5 rounds: 0.34, 0.41, 0.4, 0.36, 0.36; that round 29.7/s ÷ 83.1/s)');
  expect(throughput.note).toContain('recording worker 19.7, temporal 28.7, receiver 4, emulator 3.3');
  expect(throughput.note).toContain('cost ratio 0.33 (no-op ÷ recording)');
});

test('a run below N = 2000 gives no verdict on the goals stated at N = 2000', () => {
  const r = rows(defaultRun as BenchResults);
  const rss = r.find((x) => x.measure.startsWith('Worker RSS per live recording'))!;
  expect(rss.verdict).toBe('—');
  expect(rss.note).toContain('no verdict: the goal is judged at N = 2000 (`--full`), the largest N here is 400');
  const evictions = r.find((x) => x.measure.startsWith('Sticky-cache forced evictions'))!;
  expect(evictions).toMatchObject({ measure: 'Sticky-cache forced evictions at N = 400', verdict: '—' });
  expect(r.find((x) => x.measure.startsWith('Idle worker CPU, N = 400, no NCS'))!.verdict).toBe('met');
});

test('a failed section is a row of its own, and the table names the run', () => {
  const r: BenchResults = { ...(fullRun as BenchResults), errors: [{ section: 'density', message: 'timed out' }] };
  expect(rows(r).at(-1)).toEqual({
    measure: 'density (failed)',
    value: 'error',
    goal: '—',
    verdict: '—',
    note: 'timed out',
  });
  expect(markdown(r).split('\n')[0]).toBe(
    'Run 2026-11-30T14:43:15.602Z (full; commit 99a4f32; 2 cores, 24 GiB, AMD EPYC; Node v20.20.2): `npm run bench -- --full`',
  );
});

test('the median round is the middle one by ratio, and needs an odd count', () => {
  const round = (ratio: number): ThroughputRound => ({
    first: 'noop',
    noopPerSecond: 80,
    recordingsPerSecond: 80 * ratio,
    ratio,
  });
  expect(medianRound([0.4, 0.34, 0.41, 0.36, 0.35].map(round)).ratio).toBe(0.36);
  expect(medianRound([round(0.5)]).ratio).toBe(0.5);
  expect(() => medianRound([0.4, 0.3].map(round))).toThrow('odd count of rounds, got 2');
  expect(() => medianRound([])).toThrow('got 0');
});
