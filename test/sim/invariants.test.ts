/** The invariant checks on hand-made facts, both ways (issue 17). */
import type { CallLogEntry, TaskSnapshot } from '../../src/emulator';
import type { RecordingResult } from '../../src/contract';
import type { SeedFacts } from './driver';
import {
  callBudget,
  checkInvariants,
  endingAgrees,
  filesKept,
  healthyAndBounded,
  noOrphan,
  oneTask,
} from './invariants';
import { drawScenario } from './scenario';

const T0 = 1_800_000_000_000;
const scenario = drawScenario(1);

function task(overrides: Partial<TaskSnapshot> = {}): TaskSnapshot {
  return {
    sid: 'sid-1',
    resourceId: 'rid-1',
    cname: 'sim-1',
    uid: '100001',
    mode: 'mix',
    phase: 'exited',
    status: 8,
    startedAt: T0 + 1_000,
    firstSliceAt: T0 + 2_000,
    exitedAt: T0 + 60_000,
    endReason: 'stopped',
    uploadingStatus: 'uploaded',
    recordedUids: ['1000'],
    notifications: 10,
    ...overrides,
  };
}

function result(overrides: Partial<RecordingResult> = {}): RecordingResult {
  return {
    ending: 'completed',
    cname: 'sim-1',
    uid: '100001',
    mode: 'mix',
    sid: 'sid-1',
    endedAt: T0 + 70_000,
    fileList: [{ fileName: 'a.m3u8' }],
    uploadingStatus: 'uploaded',
    ...overrides,
  };
}

const call = (endpoint: CallLogEntry['endpoint'], httpStatus = 200, fault?: string): CallLogEntry => ({
  seq: 1,
  method: 'POST',
  path: '/',
  endpoint,
  httpStatus,
  at: T0,
  ...(fault ? { fault } : {}),
});

function facts(overrides: Partial<SeedFacts> = {}): SeedFacts {
  const t = overrides.tasksAtClose ?? [task()];
  return {
    seed: 1,
    workflowId: 'recording/app/sim-1/100001',
    startedAt: T0,
    closed: true,
    closeStatus: 'COMPLETED',
    closedAt: T0 + 70_000,
    result: result(),
    tasksAtClose: t,
    tasksAfter: t,
    filesBySid: { 'sid-1': ['a.m3u8'] },
    calls: [call('acquire'), call('start'), call('stop')],
    workflowTaskFailures: 0,
    workflowTaskFailureCauses: [],
    unhandledCommandRetries: 0,
    runs: 1,
    stopRequestedAt: T0 + 59_000,
    failoverMs: 0,
    faultRules: 0,
    updatesRequested: 0,
    simulatedMs: 70_000,
    realMs: 100,
    drift: { maxRequestLagMs: 0, maxLateTimerMs: 0 },
    skipped: [],
    notes: [],
    ...overrides,
  };
}

describe('the invariants', () => {
  it('a clean recording violates nothing', () => {
    expect(checkInvariants(scenario, facts())).toEqual([]);
  });

  it('1: a task still recording at close, unless taskMayStillRun', () => {
    const live = [task({ phase: 'recording', endReason: undefined, exitedAt: undefined })];
    expect(noOrphan(facts({ tasksAtClose: live }))).toHaveLength(1);
    expect(noOrphan(facts({ tasksAtClose: live, result: result({ taskMayStillRun: true }) }))).toEqual([]);
  });

  it('2: a reported file missing from the result, unless pending', () => {
    const f = facts({ filesBySid: { 'sid-1': ['a.m3u8', 'b.mp4'] } });
    expect(filesKept(f)).toHaveLength(1);
    expect(filesKept({ ...f, result: result({ uploadingStatus: undefined }) })).toEqual([]);
    expect(filesKept({ ...f, result: result({ lastError: { type: 'UploadTimeout', message: 'x', at: T0 } }) })).toEqual(
      [],
    );
    expect(filesKept(facts())).toEqual([]);
  });

  it('3: the ending against the truth', () => {
    // Agora ended it (idle) long before any stop: exited, not completed.
    const idle = [task({ endReason: 'idle', exitedAt: T0 + 30_000 })];
    expect(endingAgrees(scenario, facts({ tasksAtClose: idle }))).toHaveLength(1);
    expect(endingAgrees(scenario, facts({ tasksAtClose: idle, result: result({ ending: 'exited' }) }))).toEqual([]);
    // ... unless the stop came within the race window of the exit.
    expect(endingAgrees(scenario, facts({ tasksAtClose: idle, stopRequestedAt: T0 + 31_000 }))).toEqual([]);
    // A stop that took: completed; failed is wrong.
    expect(endingAgrees(scenario, facts({ result: result({ ending: 'failed' }) }))).toHaveLength(1);
    // Cancelled before the stop took: cancelled.
    expect(endingAgrees(scenario, facts({ cancelRequestedAt: T0 + 50_000 }))).toHaveLength(1);
    expect(
      endingAgrees(scenario, facts({ cancelRequestedAt: T0 + 50_000, result: result({ ending: 'cancelled' }) })),
    ).toEqual([]);
    // No task took: failed is right; completed is not.
    expect(
      endingAgrees(scenario, facts({ tasksAtClose: [], result: result({ ending: 'failed', sid: undefined }) })),
    ).toEqual([]);
    expect(
      endingAgrees(
        scenario,
        facts({ tasksAtClose: [], stopRequestedAt: undefined, result: result({ sid: undefined }) }),
      ),
    ).toHaveLength(1);
    // The result names another sid.
    expect(endingAgrees(scenario, facts({ result: result({ sid: 'other' }) }))).toHaveLength(1);
    // No content and a stop: no_content.
    const empty = [task({ firstSliceAt: undefined })];
    expect(endingAgrees(scenario, facts({ tasksAtClose: empty, result: result({ ending: 'no_content' }) }))).toEqual(
      [],
    );
    // ... completed is wrong when stop's 206/435 reached the workflow,
    const noFiles = result({ fileList: [] });
    expect(endingAgrees(scenario, facts({ tasksAtClose: empty, result: noFiles }))).toHaveLength(1);
    // but true to what it saw when that answer was lost to a fault (sim seed 1051), as long as it lists no file.
    const lost435: CallLogEntry = { ...call('stop', 500, 'error'), committed: { httpStatus: 206, code: 435 } };
    const lostCalls = [call('acquire'), call('start'), lost435, call('stop', 400)];
    expect(endingAgrees(scenario, facts({ tasksAtClose: empty, calls: lostCalls, result: noFiles }))).toEqual([]);
    expect(endingAgrees(scenario, facts({ tasksAtClose: empty, calls: lostCalls }))).toHaveLength(1);
    // A stop that took lost its answer after Agora answered 404: "Agora ended it" is as true as "we did" (seed 1653).
    const lost200: CallLogEntry = { ...call('stop', 206, 'code65'), committed: { httpStatus: 200 } };
    const exited = result({ ending: 'exited' });
    expect(endingAgrees(scenario, facts({ result: exited, calls: [call('query', 404), lost200] }))).toEqual([]);
    expect(endingAgrees(scenario, facts({ result: exited, calls: [call('query'), lost200] }))).toHaveLength(1);
    // Agora idle-exited and a stop attempt lost its answer after 404s: completed with no files is true to it (1530).
    const idleEmpty = [task({ endReason: 'idle', exitedAt: T0 + 30_000, firstSliceAt: undefined })];
    const dropped: CallLogEntry = { ...call('stop', 0, 'drop'), httpStatus: null };
    const afterDrop = [call('stop', 404), dropped, call('stop', 404)];
    expect(endingAgrees(scenario, facts({ tasksAtClose: idleEmpty, calls: afterDrop, result: noFiles }))).toEqual([]);
    expect(
      endingAgrees(scenario, facts({ tasksAtClose: idleEmpty, calls: [call('stop', 404)], result: noFiles })),
    ).toHaveLength(1);
  });

  it('4: two tasks, overlapping or not', () => {
    const a = task();
    const b = task({ sid: 'sid-2', startedAt: T0 + 10_000, exitedAt: T0 + 80_000 });
    expect(oneTask(facts({ tasksAfter: [a, b] }))).toHaveLength(2);
    const c = task({ sid: 'sid-3', startedAt: T0 + 61_000, exitedAt: T0 + 80_000 });
    expect(oneTask(facts({ tasksAfter: [a, c] }))).toHaveLength(1);
    expect(oneTask(facts())).toEqual([]);
  });

  it('5: workflow task failures and the close bound', () => {
    expect(
      healthyAndBounded(scenario, facts({ workflowTaskFailures: 1, workflowTaskFailureCauses: ['x'] })),
    ).toHaveLength(1);
    expect(healthyAndBounded(scenario, facts({ closed: false }))).toHaveLength(1);
    expect(healthyAndBounded(scenario, facts({ simulatedMs: 100 * 3_600_000 }))).toHaveLength(1);
    expect(healthyAndBounded(scenario, facts({ unhandledCommandRetries: 2 }))).toEqual([]);
  });

  it('6: the call budget and unexplained 429s', () => {
    const many = Array.from({ length: 100 }, () => call('query'));
    expect(callBudget(scenario, facts({ calls: many }))).toHaveLength(1);
    expect(callBudget(scenario, facts({ calls: [call('start', 429, 'rateLimit'), call('start')] }))).toEqual([]);
    expect(callBudget(scenario, facts({ calls: [call('start', 429), call('start')] }))).toHaveLength(1);
  });
});
