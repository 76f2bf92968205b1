/**
 * The baseline worker process of the bench (`bench/workflows`): its own process, like the recording worker, with the
 * same connection type and default worker options, on its own task queue. Environment: TEMPORAL_ADDRESS,
 * BENCH_TASK_QUEUE, BENCH_ECHO_URL (where `echo` POSTs: an emulator path that the emulator logs in its call log),
 * METRICS_BIND_ADDRESS (Prometheus, like the recording worker's, so their stage latencies compare).
 * Prints `{"msg":"echo worker running"}` once polling; exits 0 on SIGTERM/SIGINT.
 */
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { EchoActivities } from './workflows';

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const taskQueue = process.env.BENCH_TASK_QUEUE ?? 'bench-echo';
  const echoUrl = process.env.BENCH_ECHO_URL;
  if (!echoUrl) throw new Error('BENCH_ECHO_URL is required');
  const metrics = process.env.METRICS_BIND_ADDRESS;
  Runtime.install({
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    telemetryOptions: metrics ? { metrics: { prometheus: { bindAddress: metrics } } } : {},
  });
  const connection = await NativeConnection.connect({ address });
  const activities: EchoActivities = {
    async echo(seq) {
      const res = await fetch(`${echoUrl}/${seq}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ seq }),
      });
      await res.arrayBuffer();
    },
  };
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities,
  });
  console.log(JSON.stringify({ msg: 'echo worker running', taskQueue }));
  await worker.run();
  await connection.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`echo worker failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
