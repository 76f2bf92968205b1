/**
 * The control API under `/_emulator/` for out-of-process users (the demo, the fault suite, the CLI). No auth, no rate
 * limit, not in the call log. JSON in and out; a malformed request gets 400 `{"error": "..."}`.
 *
 * | Method | Path | Body | Answer |
 * |---|---|---|---|
 * | GET | /_emulator/health | | `{ok, now, mode}` |
 * | GET | /_emulator/clock | | `{now, mode}` (emulated Unix ms) |
 * | POST | /_emulator/clock/advance | `{ms}` | `{now}` after due timers ran |
 * | GET / POST / DELETE | /_emulator/faults | POST: a FaultRule | list / `{id}` / `{cleared}` |
 * | DELETE | /_emulator/faults/{id} | | `{cleared}` |
 * | GET | /_emulator/channels/{cname} | | `{participants}` |
 * | POST | /_emulator/channels/{cname}/join | `{uid, publishing?=true}` | `{participants}` |
 * | POST | /_emulator/channels/{cname}/leave | `{uid}` | `{participants}` |
 * | POST | /_emulator/channels/{cname}/publish | `{uid, publishing}` | `{participants}` |
 * | GET / DELETE | /_emulator/calls | | CallLogEntry[] / `{cleared}` |
 * | GET | /_emulator/tasks | | TaskSnapshot[] (`phase: "recording"` = still billing) |
 * | POST | /_emulator/tasks/{sid}/failover | `{ms, oldRecorderLeaveAfterMs?}` | `{failoverUntil}` |
 * | GET | /_emulator/notifications | | emitted NCS notifications |
 * | GET | /_emulator/deliveries | | NCS delivery attempts |
 */
import { z } from 'zod';
import { uidSchema } from '../agora/schemas';
import { faultRuleSchema } from './faults';
import { type Reply } from './replies';
import { type EmulatorState } from './state';

const advanceSchema = z.object({ ms: z.number().nonnegative() });
const joinSchema = z.object({ uid: uidSchema, publishing: z.boolean().optional() });
const leaveSchema = z.object({ uid: uidSchema });
const publishSchema = z.object({ uid: uidSchema, publishing: z.boolean() });
const failoverSchema = z.object({
  ms: z.number().nonnegative(),
  oldRecorderLeaveAfterMs: z.number().nonnegative().optional(),
});

/** Handles one control request. Never throws. */
export async function handleControl(
  state: EmulatorState,
  method: string,
  url: URL,
  raw: Buffer | undefined,
): Promise<Reply> {
  try {
    return await route(state, method, url.pathname.slice('/_emulator'.length), raw);
  } catch (err) {
    const message = err instanceof z.ZodError ? z.prettifyError(err) : err instanceof Error ? err.message : 'error';
    return { status: 400, body: { error: message } };
  }
}

async function route(state: EmulatorState, method: string, path: string, raw: Buffer | undefined): Promise<Reply> {
  const body = (): unknown => (raw === undefined ? {} : JSON.parse(raw.toString('utf8')));
  const ok = (b: unknown): Reply => ({ status: 200, body: b });
  const now = () => state.clock.now();
  const key = `${method} ${path}`;

  if (key === 'GET /health') return ok({ ok: true, now: now(), mode: state.clock.mode });
  if (key === 'GET /clock') return ok({ now: now(), mode: state.clock.mode });
  if (key === 'POST /clock/advance') {
    await state.clock.advance(advanceSchema.parse(body()).ms);
    return ok({ now: now() });
  }
  if (key === 'GET /faults') return ok(state.faults.list(now()));
  if (key === 'POST /faults') return ok({ id: state.faults.add(faultRuleSchema.parse(body()), now()) });
  if (key === 'DELETE /faults') {
    state.faults.clear();
    return ok({ cleared: true });
  }
  const faultId = /^\/faults\/(\d+)$/.exec(path);
  if (faultId && method === 'DELETE') {
    state.faults.clear(Number(faultId[1]));
    return ok({ cleared: true });
  }
  const channel = /^\/channels\/([^/]+)(?:\/(join|leave|publish))?$/.exec(path);
  if (channel) {
    const cname = decodeURIComponent(channel[1] ?? '');
    const action = channel[2];
    if (method === 'POST' && action === 'join') {
      const b = joinSchema.parse(body());
      state.channels.join(cname, b.uid, b.publishing ?? true);
    } else if (method === 'POST' && action === 'leave') {
      state.channels.leave(cname, leaveSchema.parse(body()).uid);
    } else if (method === 'POST' && action === 'publish') {
      const b = publishSchema.parse(body());
      state.channels.publish(cname, b.uid, b.publishing);
    } else if (!(method === 'GET' && action === undefined)) {
      return { status: 404, body: { error: `no control route ${key}` } };
    }
    return ok({ participants: state.channels.participants(cname) });
  }
  if (key === 'GET /calls') return ok(state.calls.list());
  if (key === 'DELETE /calls') {
    state.calls.clear();
    return ok({ cleared: true });
  }
  if (key === 'GET /tasks') return ok([...state.tasks.values()].map((t) => t.snapshot()));
  const failover = /^\/tasks\/([^/]+)\/failover$/.exec(path);
  if (failover && method === 'POST') {
    const task = state.tasks.get(decodeURIComponent(failover[1] ?? ''));
    if (!task) return { status: 404, body: { error: 'no such sid' } };
    const { ms, oldRecorderLeaveAfterMs } = failoverSchema.parse(body());
    task.failover(ms, oldRecorderLeaveAfterMs === undefined ? {} : { oldRecorderLeaveAfterMs });
    return ok({ failoverUntil: task.failoverUntil });
  }
  if (key === 'GET /notifications') return ok(state.ncs.notifications());
  if (key === 'GET /deliveries') return ok(state.ncs.deliveries());
  return { status: 404, body: { error: `no control route ${key}` } };
}
