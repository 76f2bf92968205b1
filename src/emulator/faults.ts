/**
 * Fault injection: rules scripted by tests (programmatic API), by other processes (`POST /_emulator/faults`) and by the
 * CLI (`--fault '<json>'`). One zod schema validates all three.
 *
 * Rule scope:
 * - `times`: applies to that many matching events, then retires (default: unlimited).
 * - `forMs`: active for that many emulated ms after it was added, then retires (e.g. "404 for 60 s, then normal").
 * - `probability`: applies to that fraction of matching events, drawn from a seeded generator (default 1).
 * - `cname`: applies only to that channel's requests, notifications and uploads (default: every channel), so that
 *   several simulated recordings can share one emulator.
 */
import { z } from 'zod';

/** The Agora endpoints, named as in https://docs.agora.io/en/cloud-recording/rest-api/overview. */
export const endpointNames = ['acquire', 'start', 'query', 'update', 'updateLayout', 'stop'] as const;
export type EndpointName = (typeof endpointNames)[number];

const scope = {
  times: z.number().int().positive().optional(),
  forMs: z.number().nonnegative().optional(),
  probability: z.number().min(0).max(1).optional(),
  /** Only requests, notifications and uploads of this channel (default: every channel). */
  cname: z.string().optional(),
};
const httpScope = { ...scope, endpoint: z.enum([...endpointNames, 'any']).default('any') };
const ncsScope = { ...scope, eventType: z.number().int().optional() };

/** Schema of one fault rule (see each `kind` below). */
export const faultRuleSchema = z.discriminatedUnion('kind', [
  /** Answer `ms` later (emulated clock; `realTime: true` waits real ms instead). Composes with the other kinds. */
  z.object({
    kind: z.literal('latency'),
    ms: z.number().nonnegative(),
    realTime: z.boolean().optional(),
    ...httpScope,
  }),
  /**
   * Answer `httpStatus` with `{code, reason}`, or `{message}` when `message` is given (like a gateway), or exactly
   * `body` (any JSON) or `rawBody` (any text, e.g. not JSON) to test how clients treat malformed answers.
   * `commit: true` applies the request's state change first (the backend did the work, the answer was lost).
   */
  z.object({
    kind: z.literal('error'),
    httpStatus: z.number().int().min(200).max(599),
    code: z.number().int().optional(),
    reason: z.string().optional(),
    message: z.string().optional(),
    body: z.unknown().optional(),
    rawBody: z.string().optional(),
    commit: z.boolean().optional(),
    ...httpScope,
  }),
  /**
   * 206 `{code: 65, reason: "request not completed"}` (https://docs.agora.io/en/cloud-recording/rest-api/status-codes);
   * `commit` as for `error`.
   */
  z.object({ kind: z.literal('code65'), commit: z.boolean().optional(), ...httpScope }),
  /**
   * 404 `{code: 404, reason: "failed to find worker"}`: an HA failover window when combined with `forMs`
   * (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices).
   */
  z.object({ kind: z.literal('notFound'), ...httpScope }),
  /** Commit the request (unless `commit: false`), then destroy the socket without answering. */
  z.object({ kind: z.literal('drop'), commit: z.boolean().optional(), ...httpScope }),
  /**
   * 429 `{"message": "API rate limit exceeded"}` regardless of the real rate (a burst,
   * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices). The reference documents no
   * `Retry-After`; `retryAfterS` adds one, for testing clients that honour it.
   */
  z.object({ kind: z.literal('rateLimit'), retryAfterS: z.number().int().nonnegative().optional(), ...httpScope }),
  /**
   * The upload outcome of the next recordings to end: `uploaded` (31), `backuped` (32, then 31 after
   * `forwardAfterMs`, default 60 000), `unknown` (event 1 from the uploader, no 31/32).
   */
  z.object({
    kind: z.literal('upload'),
    outcome: z.enum(['uploaded', 'backuped', 'unknown']),
    forwardAfterMs: z.number().nonnegative().optional(),
    ...scope,
  }),
  /** NCS: never deliver the matching notifications. */
  z.object({ kind: z.literal('ncsDrop'), ...ncsScope }),
  /** NCS: deliver the matching notifications `copies` extra times (same noticeId, new notifyMs; default 1). */
  z.object({ kind: z.literal('ncsDuplicate'), copies: z.number().int().positive().optional(), ...ncsScope }),
  /** NCS: deliver the matching notifications `ms` emulated ms late. */
  z.object({ kind: z.literal('ncsDelay'), ms: z.number().nonnegative(), ...ncsScope }),
  /** NCS: hold a matching notification back and deliver it right after the next one of the same recording. */
  z.object({ kind: z.literal('ncsReorder'), ...ncsScope }),
]);

/** One fault rule, as accepted by `faults.add`, the control API and the CLI. */
export type FaultRule = z.input<typeof faultRuleSchema>;
type ParsedRule = z.output<typeof faultRuleSchema>;
export type HttpFault = Extract<ParsedRule, { endpoint: unknown }>;
export type UploadFault = Extract<ParsedRule, { kind: 'upload' }>;
export type NcsFault = Extract<ParsedRule, { kind: `ncs${string}` }>;

/** A rule as listed by `faults.list()`: its id, its remaining `times` and when it retires (emulated ms). */
export type ActiveFault = ParsedRule & { id: number; addedAt: number; expiresAt?: number };

/** What an HTTP request should suffer: total added latency and at most one non-latency fault. */
export interface HttpFaultPlan {
  latencyMs: number;
  realLatencyMs: number;
  fault?: Exclude<HttpFault, { kind: 'latency' }>;
}

/** The rule book. Clock-agnostic: callers pass the current emulated time. */
export class FaultBook {
  private rules: ActiveFault[] = [];
  private nextId = 1;
  private rng: () => number;

  /** @param seed seeds the `probability` draws so a faulty run can be replayed */
  constructor(seed = 1) {
    this.rng = mulberry32(seed);
  }

  /**
   * Adds a rule. @returns its id @throws ZodError when the rule is malformed.
   * @param now the current emulated time (Unix ms), start of a `forMs` window
   */
  add(rule: FaultRule, now: number): number {
    const parsed = faultRuleSchema.parse(rule);
    const id = this.nextId++;
    const expiresAt = parsed.forMs === undefined ? undefined : now + parsed.forMs;
    this.rules.push({ ...parsed, id, addedAt: now, ...(expiresAt === undefined ? {} : { expiresAt }) });
    return id;
  }

  /** Removes one rule by id, or all when `id` is omitted. */
  clear(id?: number): void {
    this.rules = id === undefined ? [] : this.rules.filter((r) => r.id !== id);
  }

  /** The rules still active at `now`. */
  list(now: number): ActiveFault[] {
    this.expire(now);
    return this.rules.map((r) => ({ ...r }));
  }

  /** Plans the faults for one request to `endpoint`, consuming the rules it uses. */
  planHttp(endpoint: EndpointName, now: number, cname?: string): HttpFaultPlan {
    this.expire(now);
    const plan: HttpFaultPlan = { latencyMs: 0, realLatencyMs: 0 };
    for (const rule of this.rules) {
      if (!('endpoint' in rule) || (rule.endpoint !== 'any' && rule.endpoint !== endpoint)) continue;
      if (!inChannel(rule, cname)) continue;
      if (rule.kind !== 'latency' && plan.fault) continue;
      if (!this.take(rule)) continue;
      if (rule.kind === 'latency') {
        if (rule.realTime) plan.realLatencyMs += rule.ms;
        else plan.latencyMs += rule.ms;
      } else {
        plan.fault = rule;
      }
    }
    this.sweep();
    return plan;
  }

  /** The upload outcome rule for a recording that is ending now, if any. */
  takeUpload(now: number, cname?: string): UploadFault | undefined {
    this.expire(now);
    const rule = this.rules.find(
      (r): r is ActiveFault & UploadFault => r.kind === 'upload' && inChannel(r, cname) && this.take(r),
    );
    this.sweep();
    return rule;
  }

  /** The NCS rules that apply to one notification of `eventType`. */
  takeNcs(eventType: number, now: number, cname?: string): NcsFault[] {
    this.expire(now);
    const out: NcsFault[] = [];
    for (const rule of this.rules) {
      if (!rule.kind.startsWith('ncs') || !inChannel(rule, cname)) continue;
      const ncs = rule as ActiveFault & NcsFault;
      if (ncs.eventType !== undefined && ncs.eventType !== eventType) continue;
      if (this.take(ncs)) out.push(ncs);
    }
    this.sweep();
    return out;
  }

  /** Consumes one use of `rule` if the probability draw says it applies. */
  private take(rule: ActiveFault): boolean {
    if ((rule.times ?? 1) <= 0) return false;
    if (rule.probability !== undefined && this.rng() >= rule.probability) return false;
    if (rule.times !== undefined) rule.times -= 1;
    return true;
  }

  private sweep(): void {
    this.rules = this.rules.filter((r) => r.times === undefined || r.times > 0);
  }

  private expire(now: number): void {
    this.rules = this.rules.filter((r) => r.expiresAt === undefined || now < r.expiresAt);
  }
}

/** A rule without `cname` applies to every channel; one with it, to that channel only. */
function inChannel(rule: { cname?: string | undefined }, cname: string | undefined): boolean {
  return rule.cname === undefined || rule.cname === cname;
}

/** Small seeded PRNG (mulberry32): uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
