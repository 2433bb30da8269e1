import { runApplyCommand } from '../apply.command';
import { runRemoteApply } from './remote-apply.command';
import type { CliHandlers, CliOutput } from './cli-handlers.types';
import { exitQuietlyOnClosedOutput } from '@switchyard/shared';
import { runCli } from './cli.program';
import { runKeysCreate, runKeysRevoke, runKeysRotate } from './keys.command';
import { runPricesImport } from './prices-import.command';
import { runValidateCommand } from './validate.command';

const PROCESS_OUTPUT: CliOutput = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/**
 * The `switchyard` command of the standalone bundle: parses argv, runs one command, sets the
 * exit code. `serve` is given by main.ts (its bootstrap); after it the process stays up
 * serving. A command that fails prints its message (a ConfigError: one problem per line) and
 * exits 1; a wrong command line has already printed its help and exits 2. A reader that closes
 * the output early (`| head`) ends a command quietly with 0 (`exitQuietlyOnClosedOutput`, @switchyard/shared).
 */
export function runStandaloneCli(argv: readonly string[], serve: () => Promise<void>, output: CliOutput = PROCESS_OUTPUT): void {
  // Every command's output, help and errors included, may go to a reader that stops early (`| head`).
  const unguard = output === PROCESS_OUTPUT ? exitQuietlyOnClosedOutput() : () => undefined;
  const handlers: CliHandlers = {
    serve: async () => {
      unguard();
      await serve();
      return 0;
    },
    apply: (options) => (options.server ? runRemoteApply({ ...options, server: options.server }, output) : runApplyCommand(options)),
    validate: (options) => runValidateCommand(options, output),
    pricesImport: (options) => runPricesImport(options, output),
    keysCreate: (options) => runKeysCreate(options, output),
    keysRevoke: (options) => runKeysRevoke(options, output),
    keysRotate: (options) => runKeysRotate(options, output),
  };
  runCli(argv, handlers, output).then(
    (code) => {
      // Exit at once only on failure: a served gateway keeps running, and a finished command
      // exits by itself once its connections are closed.
      if (code !== 0) process.exit(code);
    },
    (error: unknown) => {
      output.err(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
