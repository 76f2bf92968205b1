/**
 * Standalone emulator: `npm run emulator -- --port 9080 --callback-url URL --ncs-secret S` (see --help).
 * Credentials come from the flags, else AGORA_APP_ID / AGORA_CUSTOMER_ID / AGORA_CUSTOMER_SECRET, else demo values.
 * Runs on a wall clock (optionally sped up) until SIGINT/SIGTERM. Secrets are never printed.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { integerOption, positiveOption } from '../config/numbers';
import { type FaultRule, faultRuleSchema, startEmulator } from './index';

/** Demo credentials used when neither flags nor environment give any. */
export const DEMO_CREDENTIALS = {
  appId: '0123456789abcdef0123456789abcdef',
  customerId: 'emulator-customer-id',
  customerSecret: 'emulator-customer-secret',
} as const;

function fault(v: string, previous: FaultRule[] = []): FaultRule[] {
  let json: unknown;
  try {
    json = JSON.parse(v);
  } catch {
    throw new InvalidArgumentError('must be JSON, e.g. \'{"kind":"code65","endpoint":"start","times":1}\'');
  }
  const parsed = faultRuleSchema.safeParse(json);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues.map((i) => i.message).join('; '));
  return [...previous, json as FaultRule];
}

/** Builds the CLI (exported for tests). */
export function buildCommand(): Command {
  const env = process.env;
  return new Command('emulator')
    .description('Local Agora Cloud Recording REST API (v1) with NCS notifications and fault injection')
    .option('--port <n>', 'TCP port (0 = any free port)', integerOption(), 9080)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--app-id <id>', 'App ID (env AGORA_APP_ID)', env.AGORA_APP_ID ?? DEMO_CREDENTIALS.appId)
    .option(
      '--customer-id <id>',
      'Customer ID for Basic auth (env AGORA_CUSTOMER_ID)',
      env.AGORA_CUSTOMER_ID ?? DEMO_CREDENTIALS.customerId,
    )
    .addOption(
      new Option('--customer-secret <secret>', 'Customer Secret for Basic auth (env AGORA_CUSTOMER_SECRET)').default(
        env.AGORA_CUSTOMER_SECRET ?? DEMO_CREDENTIALS.customerSecret,
        'env or demo value',
      ),
    )
    .option('--callback-url <url>', 'where NCS notifications are POSTed (env AGORA_NCS_CALLBACK_URL)')
    .addOption(new Option('--ncs-secret <secret>', 'NCS signing secret (env AGORA_NCS_SECRET)'))
    .option('--speed-up <factor>', 'run the emulated clock this many times faster than real time', positiveOption, 1)
    .option('--manual-clock', 'freeze time; move it with POST /_emulator/clock/advance {"ms": N}')
    .option('--concurrency-quota <n>', 'concurrent recordings before acquire answers 406', integerOption(), 50)
    .option('--qps-limit <n>', 'requests/s per App ID before 429 (0 = off)', integerOption(), 10)
    .option('--sync-stop-ms <ms>', 'upload time after a recording ends (emulated ms)', integerOption(), 2000)
    .option(
      '--startup-ms <ms>',
      'time from a successful start until the recorder is ready and sends recorder_started (emulated ms)',
      integerOption(),
      0,
    )
    .option('--fault <json>', 'a fault rule, repeatable (see src/emulator/README.md, fault injection)', fault)
    .addHelpText(
      'after',
      '\nWithout flags or environment the emulator uses demo credentials (not secrets; point the worker at them):\n' +
        `  App ID ${DEMO_CREDENTIALS.appId}, customer ID ${DEMO_CREDENTIALS.customerId}, ` +
        `customer secret ${DEMO_CREDENTIALS.customerSecret}\n` +
        'Environment: AGORA_APP_ID, AGORA_CUSTOMER_ID, AGORA_CUSTOMER_SECRET (credentials), AGORA_NCS_CALLBACK_URL and\n' +
        'AGORA_NCS_SECRET (NCS delivery: without a callback URL nothing is sent; without a secret it is unsigned).\n' +
        '\nControl API: GET /_emulator/health, POST /_emulator/faults, POST /_emulator/channels/{cname}/join {"uid":"1001"}\n' +
        '(a participant: without one a recording exits after maxIdleTime, 30 s), GET /_emulator/calls,\n' +
        'GET /_emulator/tasks, POST /_emulator/clock/advance ... (src/emulator/README.md)\n',
    );
}

async function main(): Promise<void> {
  const cmd = buildCommand().parse();
  const o = cmd.opts<{
    port: number;
    host: string;
    appId: string;
    customerId: string;
    customerSecret: string;
    callbackUrl?: string;
    ncsSecret?: string;
    speedUp: number;
    manualClock?: boolean;
    concurrencyQuota: number;
    qpsLimit: number;
    syncStopMs: number;
    startupMs: number;
    fault?: FaultRule[];
  }>();
  const callbackUrl = o.callbackUrl ?? process.env.AGORA_NCS_CALLBACK_URL;
  const ncsSecret = o.ncsSecret ?? process.env.AGORA_NCS_SECRET;
  const emu = await startEmulator({
    port: o.port,
    host: o.host,
    appId: o.appId,
    customerId: o.customerId,
    customerSecret: o.customerSecret,
    ...(callbackUrl ? { callbackUrl } : {}),
    ...(ncsSecret ? { ncsSecret } : {}),
    clock: o.manualClock ? { mode: 'manual' } : { mode: 'wall', speedUp: o.speedUp },
    concurrencyQuota: o.concurrencyQuota,
    qpsLimit: o.qpsLimit,
    syncStopMs: o.syncStopMs,
    startupMs: o.startupMs,
    ...(o.fault ? { faults: o.fault } : {}),
  });
  // One line, machine-readable, without secrets: the demo and scripts parse it.
  console.log(
    JSON.stringify({
      msg: 'agora emulator listening',
      baseUrl: emu.baseUrl,
      appId: emu.appId,
      callbackUrl: callbackUrl ?? null,
      signed: ncsSecret !== undefined,
      clock: o.manualClock ? 'manual' : `wall x${o.speedUp}`,
    }),
  );
  const shutdown = () => {
    void emu.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
