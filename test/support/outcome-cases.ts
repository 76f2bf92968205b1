/** One example answer per row of the outcome table (used by the unit test and by the over-HTTP client test). */
import type { Endpoint, Outcome } from '../../src/agora/outcomes';

export interface Case {
  row: string;
  endpoint: Endpoint;
  status: number;
  body: unknown;
  outcome: Outcome;
}

const task = { cname: 'room', uid: '4294967001', resourceId: 'r-1' };

// prettier-ignore
export const cases: Case[] = [
  { row: 'ok-200', endpoint: 'acquire', status: 200, body: { ...task }, outcome: 'ok' },
  { row: 'ok-200', endpoint: 'stop', status: 200, body: { ...task, sid: 's', code: 0 }, outcome: 'ok' },
  { row: 'start-201-7', endpoint: 'start', status: 201, body: { code: 7, reason: 'already started' }, outcome: 'already-started' },
  { row: 'start-any-7', endpoint: 'start', status: 400, body: { code: 7 }, outcome: 'already-started' },
  { row: 'stop-206-435', endpoint: 'stop', status: 206, body: { code: 435, reason: 'no recorded data' }, outcome: 'no-content' },
  { row: 'stop-any-435', endpoint: 'stop', status: 400, body: { code: 435 }, outcome: 'no-content' },
  { row: 'stop-400-49', endpoint: 'stop', status: 400, body: { code: 49, reason: 'invalid operation' }, outcome: 'already-exiting' },
  { row: 'stop-any-49', endpoint: 'stop', status: 500, body: { code: 49 }, outcome: 'already-exiting' },
  { row: 'stop-any-50', endpoint: 'stop', status: 500, body: { code: 50, reason: 'upload timeout' }, outcome: 'already-exiting' },
  { row: 'live-any-501', endpoint: 'query', status: 400, body: { code: 501 }, outcome: 'already-exiting' },
  { row: 'stop-404-404', endpoint: 'stop', status: 404, body: { ...task, code: 404, serverResponse: { command: 'StopCloudRecorder', payload: { message: 'failed to find worker' } } }, outcome: 'not-found' },
  { row: 'live-404-404', endpoint: 'query', status: 404, body: { code: 404, reason: 'failed to find worker' }, outcome: 'maybe-failover' },
  { row: 'any-404-none', endpoint: 'query', status: 404, body: { message: 'no Route matched with those values' }, outcome: 'invalid-request' },
  { row: 'any-206-65', endpoint: 'start', status: 206, body: { code: 65, reason: 'request not completed' }, outcome: 'retry-same-call' },
  { row: 'any-206-65', endpoint: 'stop', status: 206, body: { code: 65 }, outcome: 'retry-same-call' },
  { row: 'any-any-65', endpoint: 'update', status: 500, body: { code: 65 }, outcome: 'retry-same-call' },
  { row: 'start-500-62', endpoint: 'start', status: 500, body: { code: 62, reason: 'request timeout' }, outcome: 'retry-same-call' },
  { row: 'live-504-62', endpoint: 'updateLayout', status: 504, body: { code: 62 }, outcome: 'retry-same-call' },
  { row: 'after-any-62', endpoint: 'start', status: 504, body: { code: 62 }, outcome: 'retry-same-call' },
  { row: 'any-206-other', endpoint: 'query', status: 206, body: {}, outcome: 'retry-same-call' },
  { row: 'start-500-502', endpoint: 'start', status: 500, body: { code: 502, reason: 'Failed to allocate worker' }, outcome: 're-acquire' },
  { row: 'start-any-433', endpoint: 'start', status: 400, body: { code: 433 }, outcome: 're-acquire' },
  { row: 'start-any-1001', endpoint: 'start', status: 400, body: { code: 1001 }, outcome: 're-acquire' },
  { row: 'acquire-400-406', endpoint: 'acquire', status: 400, body: { code: 406, reason: 'vendor_over_load' }, outcome: 'quota-exceeded' },
  { row: 'acquire-400-400', endpoint: 'acquire', status: 400, body: { code: 400, reason: 'invalid_appid' }, outcome: 'auth-failed' },
  { row: 'acquire-400-405', endpoint: 'acquire', status: 400, body: { code: 405, reason: 'no_active_status' }, outcome: 'auth-failed' },
  { row: 'acquire-any-62', endpoint: 'acquire', status: 400, body: { code: 62 }, outcome: 'auth-failed' },
  { row: 'acquire-5xx-any', endpoint: 'acquire', status: 500, body: { code: 501, reason: 'no_worker_manager_available' }, outcome: 'server-error' },
  { row: 'any-401-any', endpoint: 'start', status: 401, body: { message: 'Invalid authentication credentials' }, outcome: 'auth-failed' },
  { row: 'any-403-any', endpoint: 'query', status: 403, body: { message: 'Forbidden' }, outcome: 'auth-failed' },
  { row: 'any-400-appid', endpoint: 'start', status: 400, body: { message: 'appid is invalid' }, outcome: 'auth-failed' },
  { row: 'start-any-109', endpoint: 'start', status: 400, body: { code: 109 }, outcome: 'auth-failed' },
  { row: 'start-any-110', endpoint: 'start', status: 400, body: { code: 110 }, outcome: 'auth-failed' },
  { row: 'any-429-any', endpoint: 'query', status: 429, body: { message: 'API rate limit exceeded' }, outcome: 'rate-limited' },
  { row: 'any-any-2', endpoint: 'start', status: 400, body: { code: 2, reason: 'Acquire: invalid resourceExpiredHour value!' }, outcome: 'invalid-request' },
  { row: 'any-any-8', endpoint: 'update', status: 400, body: { code: 8 }, outcome: 'invalid-request' },
  { row: 'start-400-53', endpoint: 'start', status: 400, body: { code: 53, reason: 'task conflict' }, outcome: 'invalid-request' },
  { row: 'any-any-432', endpoint: 'start', status: 400, body: { code: 432 }, outcome: 'invalid-request' },
  { row: 'any-any-1003', endpoint: 'query', status: 400, body: { code: 1003 }, outcome: 'invalid-request' },
  { row: 'any-any-1013', endpoint: 'acquire', status: 400, body: { code: 1013 }, outcome: 'invalid-request' },
  { row: 'acquire-400-401', endpoint: 'acquire', status: 400, body: { code: 401, reason: 'invalid_channel_name' }, outcome: 'invalid-request' },
  { row: 'updateLayout-any-1028', endpoint: 'updateLayout', status: 400, body: { code: 1028 }, outcome: 'invalid-request' },
  { row: 'any-5xx-any', endpoint: 'start', status: 500, body: { resourceId: 'r', sid: '', code: 15 }, outcome: 'server-error' },
  { row: 'any-5xx-any', endpoint: 'query', status: 502, body: undefined, outcome: 'server-error' },
  { row: 'any-4xx-any', endpoint: 'stop', status: 409, body: { code: 999 }, outcome: 'invalid-request' },
  { row: 'any-2xx-any', endpoint: 'query', status: 204, body: undefined, outcome: 'server-error' },
  { row: 'any-any-any', endpoint: 'acquire', status: 302, body: undefined, outcome: 'server-error' },
];
