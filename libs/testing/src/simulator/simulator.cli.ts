// Runs the provider simulator as a process for benchmarks and local demos:
//   node dist/tools/simulator.js --port 9000 --host 127.0.0.1   (or SIM_PORT / SIM_HOST)
//   add --echo to answer every chat request with the request received (SimulatorScenario.echo)
// Recording is off: nobody reads it here, and a long benchmark would only grow memory.
import { exitQuietlyOnClosedOutput } from '@switchyard/shared';
import { ProviderSimulator } from './provider-simulator';
import { parseSimulatorArgs } from './simulator-cli.args';

async function main(): Promise<void> {
  // Help and errors may go to a reader that stops early (`--help | head`): exit quietly then.
  const unguard = exitQuietlyOnClosedOutput();
  const parsed = parseSimulatorArgs(process.argv.slice(2), process.env, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
  if ('exitCode' in parsed) {
    process.exitCode = parsed.exitCode;
    return;
  }
  unguard();
  const { port, host, echo } = parsed;
  const simulator = await ProviderSimulator.start({ port, host, record: false });
  if (echo) simulator.setDefault({ echo: true });
  console.log(`provider simulator listening on ${simulator.url}`);
  let stopping = false;
  // Every signal is listened to (a second one while closing must not kill the process).
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
