// Runs the provider simulator as a process for benchmarks and local demos:
//   node dist/tools/simulator.js --port 9000 --host 127.0.0.1   (or SIM_PORT / SIM_HOST)
// Recording is off: nobody reads it here, and a long benchmark would only grow memory.
import { ProviderSimulator } from './provider-simulator';

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const inline = args.find((arg) => arg.startsWith(`--${name}=`));
  if (inline) return inline.slice(name.length + 3);
  const index = args.indexOf(`--${name}`);
  return index === -1 ? undefined : args[index + 1];
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`provider simulator: invalid port "${raw}" (--port or SIM_PORT)`);
  }
  return port;
}

async function main(): Promise<void> {
  const port = parsePort(option('port') ?? process.env['SIM_PORT'] ?? '9000');
  const host = option('host') ?? process.env['SIM_HOST'] ?? '127.0.0.1';
  const simulator = await ProviderSimulator.start({ port, host, record: false });
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
