/**
 * Entry point of the NCS receiver process (`npm run receiver`, or `node lib/receiver/main.js`).
 * Configuration: AGORA_APP_ID, NCS_SECRET, RECEIVER_*, TEMPORAL_* (README "Configuration").
 * Stops gracefully on SIGINT/SIGTERM: stops accepting, waits up to 10 s for deliveries in flight (the rest stay in the
 * spool and are replayed at the next start).
 */
import path from 'node:path';
import { Command } from 'commander';
import { ConfigError, describeConfig, environmentHelp, loadReceiverConfig } from '../config';
import { createLogger } from '../runtime/logging';
import { connectClient } from '../temporal/connection';
import { DeadLetterLog } from './dead-letter';
import { NotificationDelivery } from './delivery';
import { buildReceiver } from './receiver';

async function main(): Promise<void> {
  const config = loadReceiverConfig();
  const logger = createLogger('receiver', config.logLevel);
  logger.info({ config: describeConfig(config) }, 'configuration loaded');
  const client = await connectClient(config.temporal);
  const deadLetter = new DeadLetterLog(path.join(config.dataDir, 'ncs-dead-letter.jsonl'));
  const delivery = new NotificationDelivery({
    client,
    appId: config.appId,
    spoolFile: path.join(config.dataDir, 'ncs-spool.jsonl'),
    deadLetter,
    deadlineMs: config.deliveryDeadlineMs,
    logger,
  });
  await delivery.open();
  const app = buildReceiver({
    ncsSecret: config.ncsSecret,
    path: config.path,
    bodyLimitBytes: config.bodyLimitBytes,
    delivery,
    deadLetter,
    logger,
  });
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ address, path: config.path }, 'NCS receiver listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void (async () => {
      await app.close();
      await delivery.drain(10_000);
      await client.connection.close();
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
}

// --help works with no environment at all: it lists the variables instead of reading them.
new Command('receiver')
  .description('Receive Agora NCS notifications, verify their signatures and signal the recording workflows.')
  .addHelpText(
    'after',
    environmentHelp('receiver') +
      '\nExit codes: 0 stopped cleanly (SIGINT/SIGTERM), 2 invalid configuration, 1 any other failure.\n',
  )
  .parse();
main().catch((e: unknown) => {
  const message = e instanceof ConfigError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  process.stderr.write(`receiver failed to start: ${message}\n`);
  process.exit(e instanceof ConfigError ? 2 : 1);
});
