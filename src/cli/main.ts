/**
 * The recordings CLI over the client library (`npm run client -- <command>`; `node lib/cli/main.js <command>`).
 *
 *   start  <input>                      start a recording from a RecordingInput (JSON, @file or - for stdin)
 *   layout <layout>   --cname --uid      replace the mix layout (full layout JSON) and wait until applied
 *   subscription <s>  --cname --uid      replace the subscription lists (signal)
 *   stop              --cname --uid      stop and wait for Agora's stop answer
 *   status            --cname --uid      print the status query
 *   result            --cname --uid      wait for the end and print the result
 *   list   <cname>                       list the channel's recordings (AgoraChannel search attribute)
 *
 * A recording is named by `--id <workflowId>` or `--cname <c> --uid <u>`. `--json` prints machine-readable JSON.
 * Exit codes: 0 success, 2 invalid input or configuration (nothing was sent), 1 any other failure. A failure prints
 * the error and its whole cause chain (message and failure type, e.g. an update's ApplicationFailure `NotRecording`);
 * with `--json` as one JSON object `{"error": {...}}` on stderr.
 * Connection settings come from TEMPORAL_* and AGORA_APP_ID; STORAGE_PROFILES (names only) lets `start` check the
 * storage profile name before anything is sent (README "Configuration").
 */
import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { integerOption } from '../config/numbers';
import { RecordingClient, RecordingInputError, type RecordingRef } from '../client';
import type { FileListEntry } from '../contract';
import { ConfigError, environmentHelp } from '../config';
import { parseMixLayout, parseStartInput, parseStreamSubscribe } from '../input';

interface Globals {
  json?: boolean;
  appId?: string;
}
interface RefOptions {
  id?: string;
  cname?: string;
  uid?: string;
}

/** Reads a JSON argument: inline JSON, `@path` for a file, `-` for stdin. @throws RecordingInputError when not JSON. */
function readJsonArg(arg: string, what: string): unknown {
  const text =
    arg === '-' ? fs.readFileSync(0, 'utf8') : arg.startsWith('@') ? fs.readFileSync(arg.slice(1), 'utf8') : arg;
  try {
    return JSON.parse(text);
  } catch {
    throw new RecordingInputError([`${what}: is not valid JSON`], what);
  }
}

function refOf(o: RefOptions): RecordingRef {
  if (o.id) return o.id;
  if (o.cname && o.uid) return { cname: o.cname, uid: o.uid };
  throw new RecordingInputError(['recording: give --id <workflowId>, or --cname <cname> and --uid <uid>'], 'arguments');
}

/** One error of a cause chain, as printed. */
export interface ErrorLink {
  name: string;
  message: string;
  /** The failure type (ApplicationFailure `type`, e.g. `NotRecording`), when there is one. */
  type?: string;
  cause?: ErrorLink;
}

/** An error and its `cause` chain (Temporal wraps the real reason in `cause`: update, workflow, activity failures). */
export function errorChain(e: unknown, depth = 0): ErrorLink {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const link: ErrorLink = { name: e.name, message: e.message };
  const type = (e as { type?: unknown }).type;
  if (typeof type === 'string' && type) link.type = type;
  if (e.cause !== undefined && e.cause !== null && depth < 10) link.cause = errorChain(e.cause, depth + 1);
  return link;
}

/** The human form of {@link errorChain}: the error, then one `caused by` line per cause. */
export function formatErrorChain(link: ErrorLink): string {
  const lines: string[] = [];
  for (let l: ErrorLink | undefined = link, first = true; l; l = l.cause, first = false) {
    lines.push(`${first ? '' : '  caused by '}${l.name}${l.type ? ` (type: ${l.type})` : ''}: ${l.message}`);
  }
  return lines.join('\n');
}

const exitCodesHelp =
  '\nSTORAGE_PROFILES: only the profile names are read, so that start refuses an unknown storage.profile (exit 2).\n' +
  '\nExit codes: 0 success; 2 invalid input or configuration (nothing was sent); 1 any other failure (Temporal\n' +
  'unreachable, the workflow refused or failed: the error is printed with its cause chain, as JSON with --json).\n';

/**
 * Runs the CLI.
 * @param argv process.argv-style arguments (node, script, ...)
 * @param out where results go (stdout by default)
 * @param err where errors go (stderr by default)
 * @returns the exit code
 */
export async function runCli(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  let client: RecordingClient | undefined;
  const program = new Command('recordings')
    .description('Start and steer Agora Cloud Recording workflows on Temporal.')
    .option('--json', 'print results as JSON')
    .option('--app-id <appId>', 'Agora App ID (default: AGORA_APP_ID)')
    .addHelpText('after', environmentHelp('client') + exitCodesHelp)
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err });

  const globals = (): Globals => program.opts<Globals>();
  const connect = async () => (client ??= await RecordingClient.connect({ appId: globals().appId }));
  const print = (value: unknown, human: string) => {
    out(globals().json ? JSON.stringify(value, null, 2) + '\n' : human + '\n');
  };
  const withRef = (c: Command) =>
    c
      .option('--id <workflowId>', 'workflow ID of the recording')
      .option('-c, --cname <cname>', 'channel name')
      .option('-u, --uid <uid>', 'recorder uid');

  program
    .command('start')
    .description('start a recording; <input> is a RecordingInput: inline JSON, @file.json, or - for stdin')
    .argument('<input>', 'RecordingInput JSON (see docs/recording-input.schema.json)')
    .option('-c, --cname <cname>', 'override input.cname')
    .option('-u, --uid <uid>', 'override input.uid (allocated when absent)')
    .action(async (input: string, o: { cname?: string; uid?: string }) => {
      const value = readJsonArg(input, 'input') as Record<string, unknown>;
      if (o.cname) value.cname = o.cname;
      if (o.uid) value.uid = o.uid;
      parseStartInput(value); // validate before connecting: an invalid input exits 2 without touching Temporal
      const c = await connect();
      const started = await c.start(value as never);
      print(started, `started ${started.workflowId} (uid ${started.uid})`);
    });

  withRef(program.command('layout'))
    .description('replace the mix layout with <layout> (the full layout JSON, @file or -) and wait until applied')
    .argument('<layout>', 'mix layout JSON, e.g. {"mixedVideoLayout":1}')
    .option('--no-wait', 'signal and return at once')
    .action(async (layout: string, o: RefOptions & { wait: boolean }) => {
      const value = parseMixLayout(readJsonArg(layout, 'layout'));
      const ref = refOf(o);
      const status = await (await connect()).updateLayout(ref, value, { wait: o.wait });
      print(status ?? { signalled: true }, status ? `layout applied; state ${status.state}` : 'layout signalled');
    });

  withRef(program.command('subscription'))
    .alias('subscribe')
    .description('replace the subscription lists with <subscription> (StreamSubscribe JSON, @file or -), by signal')
    .argument('<subscription>', 'e.g. {"audioUidList":{"subscribeAudioUids":["#allstream#"]}}')
    .action(async (subscription: string, o: RefOptions) => {
      const value = parseStreamSubscribe(readJsonArg(subscription, 'subscription'));
      const ref = refOf(o);
      await (await connect()).updateSubscription(ref, value);
      print({ signalled: true }, 'subscription signalled');
    });

  withRef(program.command('stop'))
    .description('stop the recording (waits for Agora to answer stop, not for the upload)')
    .option('-r, --reason <reason>', 'why', 'stopped from the CLI')
    .option('--no-wait', 'signal and return at once')
    .action(async (o: RefOptions & { reason: string; wait: boolean }) => {
      const ref = refOf(o);
      const status = await (await connect()).stop(ref, o.reason, { wait: o.wait });
      print(status ?? { signalled: true }, status ? `stopped; state ${status.state}` : 'stop signalled');
    });

  withRef(program.command('status'))
    .description('print the recording status (state, ids, layout, upload progress, last error)')
    .action(async (o: RefOptions) => {
      const ref = refOf(o);
      const s = await (await connect()).status(ref);
      print(s, `${s.state} since ${new Date(s.since).toISOString()}; sid ${s.sid ?? '-'}`);
    });

  withRef(program.command('result'))
    .description('wait for the recording to end and print its result (files, uploadingStatus, ending)')
    .action(async (o: RefOptions) => {
      const ref = refOf(o);
      const r = await (await connect()).result(ref);
      const files = (r.fileList as FileListEntry[] | undefined) ?? []; // absent in results of older runs
      print(
        r,
        `${r.ending}: ${files.length} file(s), uploadingStatus ${r.uploadingStatus ?? '-'}` +
          files.map((f) => `\n  ${f.fileName ?? f.filename ?? '?'}`).join(''),
      );
    });

  program
    .command('list')
    .description('list recordings of a channel (Temporal visibility: AgoraChannel = "<cname>")')
    .argument('<cname>', 'channel name')
    .option('--running', 'only running recordings')
    .option('-n, --limit <n>', 'at most n', integerOption(1), 100)
    .action(async (cname: string, o: { running?: boolean; limit: number }) => {
      const rows = await (await connect()).listByChannel(cname, { running: !!o.running, limit: o.limit });
      print(
        rows,
        rows.length
          ? rows
              .map((r) => `${r.workflowId}  ${r.executionStatus}  ${r.recordingStatus ?? '-'}  sid=${r.sid ?? '-'}`)
              .join('\n')
          : `no recordings of ${cname}`,
      );
    });

  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const invalid = e instanceof RecordingInputError || e instanceof ConfigError;
    const chain = errorChain(e);
    if (globals().json) err(JSON.stringify({ error: chain, exitCode: invalid ? 2 : 1 }) + '\n');
    else err((invalid ? (e as Error).message : formatErrorChain(chain)) + '\n');
    return invalid ? 2 : 1;
  } finally {
    await client?.close().catch(() => undefined);
  }
}

if (require.main === module) {
  void runCli(process.argv).then((code) => process.exit(code));
}
