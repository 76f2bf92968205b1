/**
 * The outcome table, one case per row (https://docs.agora.io/en/cloud-recording/rest-api/overview,
 * https://docs.agora.io/en/cloud-recording/rest-api/stop,
 * https://docs.agora.io/en/cloud-recording/rest-api/status-codes,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices). Each case names the row it must
 * hit, so a reordering that shadows a row fails here; the last test checks that every row has a case.
 */
import { bodyFacts, decideOutcome, outcomeTable, outcomes } from '../../src/agora/outcomes';
import { cases } from '../support/outcome-cases';

describe('outcome table (endpoint × HTTP status × body code)', () => {
  it.each(cases)('$endpoint $status $body → $outcome (row $row)', ({ row, endpoint, status, body, outcome }) => {
    const d = decideOutcome(endpoint, status, body);
    expect(d).toMatchObject({ rowId: row, outcome });
  });

  it('has a case for every row, every row id is unique, and every outcome is reachable', () => {
    const ids = outcomeTable.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !cases.some((c) => c.row === id))).toEqual([]);
    expect(outcomes.filter((o) => !outcomeTable.some((r) => r.outcome === o))).toEqual([]);
  });

  it('reads code and reason from every REST overview shape, tolerating numeric strings and junk', () => {
    expect(bodyFacts({ message: 'Unauthorized' })).toEqual({ code: undefined, reason: 'Unauthorized' });
    expect(bodyFacts({ code: '65', reason: 'x' })).toEqual({ code: 65, reason: 'x' });
    expect(bodyFacts({ code: 'abc' })).toEqual({ code: undefined, reason: undefined });
    expect(bodyFacts('<html>')).toEqual({});
    expect(bodyFacts([1])).toEqual({});
    expect(decideOutcome('stop', 206, { code: '435' }).outcome).toBe('no-content');
  });

  it('never lets HTTP status alone decide: 200 only is ok, 201 without 7 is not', () => {
    expect(decideOutcome('start', 201, {}).outcome).toBe('server-error');
    expect(decideOutcome('query', 404, { code: 404 }).outcome).toBe('maybe-failover');
    expect(decideOutcome('stop', 404, { code: 404 }).outcome).toBe('not-found');
  });
});
