/**
 * Seed → scenario (issue 17): a pure function. Everything a simulated recording meets is drawn here from one seeded
 * generator (mulberry32), so a seed replays the same schedule: the recording's mode and policy, who joins, leaves and
 * publishes when, the caller's layout / subscription / stop / cancel requests, the Agora faults (src/emulator/faults.ts)
 * and HA failovers, NCS losses, duplicates, reorders and delays, worker restarts and continue-as-new thresholds.
 * Times are ms after the workflow started (simulated time).
 */
import type { FaultRule } from '../../src/emulator';
import type { MixLayout, RecordingMode, RecordingPolicy, StreamSubscribe } from '../../src/contract';

/** One thing that happens at a simulated time. */
export type Action =
  | { at: number; kind: 'join'; user: string; publishing: boolean }
  | { at: number; kind: 'leave'; user: string }
  | { at: number; kind: 'publish'; user: string; publishing: boolean }
  | { at: number; kind: 'stopSignal' }
  | { at: number; kind: 'stopUpdate' }
  | { at: number; kind: 'cancel' }
  | { at: number; kind: 'layoutSignal'; layout: MixLayout }
  | { at: number; kind: 'layoutUpdate'; layout: MixLayout }
  | { at: number; kind: 'subscription'; subscription: StreamSubscribe }
  | { at: number; kind: 'fault'; rule: FaultRule }
  | { at: number; kind: 'failover'; ms: number; oldRecorderLeaveAfterMs?: number }
  | { at: number; kind: 'restartWorker' }
  /** An agoraNotification signal whose payload is null (any client with signal rights can send one). */
  | { at: number; kind: 'malformedNotification' };

/** A drawn scenario. */
export interface Scenario {
  seed: number;
  cname: string;
  uid: string;
  mode: Extract<RecordingMode, 'mix' | 'individual'>;
  /** recordingConfig.maxIdleTime, seconds. */
  maxIdleTime: number;
  resourceExpiredHour: number;
  policy: Required<Omit<RecordingPolicy, 'continueAsNewAfterEvents' | 'maxAcquireAttempts'>> &
    Pick<RecordingPolicy, 'continueAsNewAfterEvents'>;
  /** false: no NCS notification is ever delivered (a deployment without NCS, or all lost). */
  ncs: boolean;
  /** The upload outcome of the recording (emulator `upload` fault), when not the default `uploaded`. */
  upload?: { outcome: 'backuped' | 'unknown'; forwardAfterMs?: number };
  actions: Action[];
}

/** mulberry32: uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers over one generator. */
class Draw {
  constructor(readonly next: () => number) {}
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** A time in [min, max] ms, rounded to 100 ms so schedules read well. */
  time(min: number, max: number): number {
    return Math.round((min + this.next() * (max - min)) / 100) * 100;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** Picks by weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
}

type Endpoint = 'acquire' | 'start' | 'query' | 'update' | 'updateLayout' | 'stop';

/** One Agora fault from the emulator's whole menu, for one call of `endpoint`. */
function drawFault(d: Draw, endpoint: Endpoint): FaultRule {
  const kind = d.weighted([
    ['error500', 3],
    ['error500commit', 3],
    ['error503', 1],
    ['code65', 1],
    ['code65commit', 2],
    ['drop', 3],
    ['dropNoCommit', 1],
    ['latency', 2],
    // Rare: it costs real time (the server's time moves at wall-clock rate while an activity holds it).
    ['latencyLong', 0.15],
    ['rateLimit', 2],
    ['stop50', endpoint === 'stop' ? 3 : 0],
    ['stop49', endpoint === 'stop' ? 2 : 0],
    // 404 "failed to find worker" is an answer of the calls that name a sid (a failover window), never of acquire/start.
    ['notFound', endpoint === 'acquire' || endpoint === 'start' ? 0 : 2],
  ] as const);
  const times = d.int(1, 3);
  switch (kind) {
    case 'error500':
      return { kind: 'error', endpoint, httpStatus: 500, times };
    case 'error500commit':
      return { kind: 'error', endpoint, httpStatus: 500, commit: true, times: 1 };
    case 'error503':
      return { kind: 'error', endpoint, httpStatus: 503, times };
    case 'code65':
      return { kind: 'code65', endpoint, times };
    case 'code65commit':
      return { kind: 'code65', endpoint, commit: true, times: 1 };
    case 'drop':
      return { kind: 'drop', endpoint, times: 1 };
    case 'dropNoCommit':
      return { kind: 'drop', endpoint, commit: false, times };
    case 'latency':
      return { kind: 'latency', endpoint, ms: d.time(200, 3_000), times };
    case 'latencyLong':
      // Longer than the activity's start-to-close timeout (15–40 s): the call times out and is retried.
      return { kind: 'latency', endpoint, ms: d.time(16_000, 45_000), times: 1 };
    case 'rateLimit':
      return { kind: 'rateLimit', endpoint, times };
    case 'stop50':
      return { kind: 'error', endpoint, httpStatus: 400, code: 50, reason: 'upload timeout', commit: true, times: 1 };
    case 'stop49':
      return { kind: 'error', endpoint, httpStatus: 400, code: 49, reason: 'exiting', commit: d.chance(0.7), times: 1 };
    case 'notFound':
      return { kind: 'notFound', endpoint, forMs: d.time(5_000, 150_000) };
  }
}

const ncsEvents = [1, 3, 4, 11, 12, 31, 32, 33, 40, 41] as const;

/** NCS trouble: lost, duplicated, reordered, delayed (up to 15 min, past the workflow's close). */
function drawNcsFault(d: Draw): FaultRule {
  const eventType = d.chance(0.8) ? d.pick(ncsEvents) : undefined;
  const scope = { ...(eventType === undefined ? {} : { eventType }), times: d.int(1, 3) };
  switch (d.pick(['drop', 'duplicate', 'reorder', 'delay', 'delayLong'] as const)) {
    case 'drop':
      return { kind: 'ncsDrop', ...scope };
    case 'duplicate':
      return { kind: 'ncsDuplicate', copies: d.int(1, 2), ...scope };
    case 'reorder':
      return { kind: 'ncsReorder', ...scope };
    case 'delay':
      return { kind: 'ncsDelay', ms: d.time(1_000, 60_000), ...scope };
    case 'delayLong':
      return { kind: 'ncsDelay', ms: d.time(60_000, 900_000), ...scope };
  }
}

function drawLayout(d: Draw, users: string[]): MixLayout {
  if (d.chance(0.5) || users.length === 0) return { mixedVideoLayout: d.pick([0, 1, 2] as const) };
  return {
    mixedVideoLayout: 3,
    backgroundColor: d.pick(['#000000', '#336699']),
    layoutConfig: users.slice(0, 2).map((uid, i) => ({
      uid,
      x_axis: i * 0.5,
      y_axis: 0,
      width: 0.5,
      height: 1,
    })),
  };
}

/**
 * The scenario of `seed`. Pure: the same seed gives the same scenario.
 * @param seed a non-negative integer
 */
export function drawScenario(seed: number): Scenario {
  const d = new Draw(mulberry32(seed * 2654435761 + 17));
  const mode = d.chance(0.6) ? 'mix' : 'individual';
  const maxDurationSeconds = d.int(120, 1_200);
  const policy: Scenario['policy'] = {
    maxDurationSeconds,
    uploadTimeoutSeconds: d.int(30, 180),
    healthCheckIntervalSeconds: d.int(30, 300),
    failoverWindowSeconds: d.int(20, 120),
    startWindowSeconds: d.int(30, 120),
    ...(d.chance(0.25) ? { continueAsNewAfterEvents: d.int(50, 120) } : {}),
  };
  const maxIdleTime = d.int(10, 60);
  const horizon = maxDurationSeconds * 1000;
  const actions: Action[] = [];

  // Participants: nobody in some seeds (no_content, idle exit), else 1-3 users.
  const users: string[] = [];
  const nobody = d.chance(0.15);
  const userCount = nobody ? 0 : d.int(1, 3);
  for (let i = 0; i < userCount; i++) {
    const user = String(1000 + i);
    users.push(user);
    const joinAt = d.chance(0.4) ? 0 : d.time(0, horizon * 0.6);
    actions.push({ at: joinAt, kind: 'join', user, publishing: d.chance(0.8) });
    if (d.chance(0.3)) actions.push({ at: d.time(joinAt, horizon), kind: 'publish', user, publishing: d.chance(0.5) });
    if (d.chance(0.5)) actions.push({ at: d.time(joinAt + 1_000, horizon * 1.1), kind: 'leave', user });
  }

  // The caller: stop (signal or update), cancellation, layout and subscription requests.
  if (d.chance(0.7)) {
    const kind = d.weighted([
      ['stopSignal', 45],
      ['stopUpdate', 45],
      ['cancel', 10],
    ] as const);
    actions.push({ at: d.time(10_000, horizon * 1.1), kind });
  }
  if (d.chance(0.1)) actions.push({ at: d.time(0, horizon), kind: 'cancel' });
  if (mode === 'mix') {
    for (let i = d.int(0, 2); i > 0; i--) {
      actions.push({
        at: d.time(0, horizon),
        kind: d.chance(0.5) ? 'layoutSignal' : 'layoutUpdate',
        layout: drawLayout(d, users),
      });
    }
  }
  if (d.chance(0.3)) {
    const subscription: StreamSubscribe = d.chance(0.5)
      ? { audioUidList: { subscribeAudioUids: ['#allstream#'] } }
      : { videoUidList: { subscribeVideoUids: users.length > 0 ? users.slice(0, 1) : ['#allstream#'] } };
    actions.push({ at: d.time(0, horizon), kind: 'subscription', subscription });
  }

  // Agora faults, per call: some on the first calls (acquire, start), the rest at random times.
  for (let i = d.int(0, 4); i > 0; i--) {
    const early = d.chance(0.3);
    const endpoint = early
      ? d.pick(['acquire', 'start', 'start'] as const)
      : d.weighted([
          ['acquire', 1],
          ['start', 2],
          ['query', 2],
          ['update', 1],
          ['updateLayout', 1],
          ['stop', 4],
        ] as const);
    actions.push({ at: early ? 0 : d.time(0, horizon * 1.1), kind: 'fault', rule: drawFault(d, endpoint) });
  }
  // HA failovers: any length (also beyond failoverWindowSeconds), sometimes two in a row; the old recorder's
  // recorder_leave before session_failover in some.
  const failovers = d.weighted([
    [0, 5],
    [1, 3],
    [2, 2],
  ] as const);
  let failoverAt = d.time(5_000, horizon);
  for (let i = 0; i < failovers; i++) {
    const windowMs = policy.failoverWindowSeconds * 1000;
    const ms = d.chance(0.4) ? d.time(windowMs, windowMs * 2.5) : d.time(5_000, windowMs);
    actions.push({
      at: failoverAt,
      kind: 'failover',
      ms,
      ...(d.chance(0.35) ? { oldRecorderLeaveAfterMs: d.time(0, Math.min(ms, 10_000)) } : {}),
    });
    failoverAt += d.chance(0.5) ? ms + d.time(0, 5_000) : d.time(ms, ms + 300_000);
  }

  const ncs = !d.chance(0.15);
  if (ncs) {
    for (let i = d.int(0, 3); i > 0; i--)
      actions.push({ at: d.chance(0.3) ? 0 : d.time(0, horizon), kind: 'fault', rule: drawNcsFault(d) });
  }
  const upload = d.weighted([
    [undefined, 75],
    [{ outcome: 'backuped' as const, forwardAfterMs: d.time(5_000, 300_000) }, 20],
    [{ outcome: 'unknown' as const }, 5],
  ] as const);

  for (
    let i = d.weighted([
      [0, 75],
      [1, 18],
      [2, 7],
    ] as const);
    i > 0;
    i--
  ) {
    actions.push({ at: d.time(0, horizon * 1.1), kind: 'restartWorker' });
  }
  if (d.chance(0.05)) actions.push({ at: d.time(0, horizon), kind: 'malformedNotification' });

  // Stable order: by time, then by drawing order.
  const ordered = actions.map((a, i) => ({ a, i })).sort((x, y) => x.a.at - y.a.at || x.i - y.i);
  return {
    seed,
    cname: `sim-${seed}`,
    uid: String(100_000 + (seed % 800_000)),
    mode,
    maxIdleTime,
    resourceExpiredHour: 1,
    policy,
    ncs,
    ...(upload ? { upload } : {}),
    actions: ordered.map((x) => x.a),
  };
}

/**
 * How long the workflow may take to close, ms after it started: the start window, the recording, the upload wait and
 * the reconciliation that may run until the resourceId expires (resourceExpiredHour), plus 10 minutes of margin.
 */
export function closeBoundMs(s: Scenario): number {
  const p = s.policy;
  return (
    (p.startWindowSeconds + p.maxDurationSeconds + p.uploadTimeoutSeconds + s.resourceExpiredHour * 3600 + 600) * 1000
  );
}
