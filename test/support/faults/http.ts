/** Raw HTTP for the receiver abuse scenarios (exact bytes, any headers) and workflow-history helpers. */
import http from 'node:http';
import type { Client } from '@temporalio/client';

export const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export interface RawAnswer {
  status: number;
  body: string;
  ms: number;
}

/** POSTs `body` as is, with `headers`; resolves with the status, body and real time taken. Never rejects on HTTP. */
export function post(url: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const t0 = performance.now();
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - t0,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: Error & { code?: string }) => {
      // The server may answer 413 and close before reading a large body: count that answer if it came.
      reject(e);
    });
    req.end(body);
  });
}

/** The agoraNotification signals in a workflow's history (all runs are not followed: one run). */
export async function notificationSignals(
  client: Client,
  workflowId: string,
): Promise<{ noticeId: string; eventType: number }[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const out: { noticeId: string; eventType: number }[] = [];
  for (const e of history.events ?? []) {
    const a = e.workflowExecutionSignaledEventAttributes;
    if (!a || a.signalName !== 'agoraNotification') continue;
    const data = a.input?.payloads?.[0]?.data;
    if (!data) continue;
    const n = JSON.parse(Buffer.from(data).toString('utf8')) as { noticeId: string; eventType: number };
    out.push({ noticeId: n.noticeId, eventType: n.eventType });
  }
  return out;
}

/** The p-th percentile (0..100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
