import { Command, CommanderError, InvalidArgumentError } from 'commander';

// The provider simulator's command line (simulator.cli.ts), parsed as carefully as switchyard's
// own: --help prints and starts nothing; an unknown option or argument prints the help and
// exits 2 (issue 19: `--help` used to start a server).

export interface SimulatorCliOptions {
  port: number;
  host: string;
  /** Every chat request is answered with the request received (`SimulatorScenario.echo`). */
  echo?: boolean;
}

export interface SimulatorCliOutput {
  out(text: string): void;
  err(text: string): void;
}

/** The options to start with, or the exit code when the process should end without starting. */
export function parseSimulatorArgs(argv: readonly string[], env: NodeJS.ProcessEnv, output: SimulatorCliOutput): SimulatorCliOptions | { exitCode: number } {
  let defaultPort: number;
  try {
    defaultPort = port(env['SIM_PORT'] ?? '9000');
  } catch (error) {
    output.err(`SIM_PORT: ${error instanceof Error ? error.message : String(error)}\n`);
    return { exitCode: 2 };
  }
  try {
    return buildProgram(defaultPort, env, output).parse([...argv], { from: 'user' }).opts<SimulatorCliOptions>();
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { exitCode: error.exitCode === 0 ? 0 : 2 };
  }
}

function buildProgram(defaultPort: number, env: NodeJS.ProcessEnv, output: SimulatorCliOutput): Command {
  return new Command('simulator')
    .description('the provider simulator: OpenAI, Anthropic and Gemini wire formats, offline, for demos and benchmarks')
    .exitOverride()
    .configureOutput({ writeOut: output.out, writeErr: output.err })
    .showHelpAfterError()
    .option('--port <port>', 'port to listen on (or SIM_PORT); 0 picks a free one', port, defaultPort)
    .option('--host <host>', 'address to listen on (or SIM_HOST)', env['SIM_HOST'] ?? '127.0.0.1')
    .option('--echo', 'answer every chat request with the request received (path, headers without credentials, body), to check translations');
}

function port(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 65_535) throw new InvalidArgumentError(`invalid port "${raw}": expected 0 to 65535`);
  return value;
}
