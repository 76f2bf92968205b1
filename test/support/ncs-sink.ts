/** A tiny NCS receiver for tests: records every request (raw bytes and headers) and answers as scripted. */
import http from 'node:http';
import { type AddressInfo } from 'node:net';

/** One received notification. */
export interface Received {
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  json: { noticeId: string; eventType: number; notifyMs: number; payload: Record<string, unknown> } & Record<
    string,
    unknown
  >;
}

/** How to answer request number `n` (from 0): an HTTP status, or `hang` (never answer). */
export type Responder = (n: number, r: Received) => number | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves once at least `count` requests arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(respond: Responder = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const r: Received = { headers: req.headers, raw, json: JSON.parse(raw.toString('utf8')) as Received['json'] };
      const answer = respond(received.length, r);
      received.push(r);
      waiters = waiters.filter((w) => (received.length >= w.count ? (w.resolve(), false) : true));
      if (answer === 'hang') return;
      res.writeHead(answer, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ncs`,
    received,
    waitFor: (count) =>
      received.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
