import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { AdminTarget, CliHandlers, CliOutput, KeyCreateOptions } from './cli-handlers.types';
import { switchyardVersion } from './cli.version';

// `switchyard <command>`: the one entry point of the standalone bundle (dist/apps/standalone/main.js,
// docs/architecture.md §4). commander parses; the handlers act. Exit codes: 0 done (and help or
// version asked for), 1 the command failed, 2 the command line was wrong — an unknown command
// or option, a missing argument — after printing the help of the command concerned. Only a
// command line with no arguments at all starts the gateway without saying `serve`.

export const USAGE_ERROR = 2;
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8080';

const ROOT_HELP_AFTER = `
With no arguments at all, switchyard runs \`serve\`.
The gateway reads its settings from the environment (README, "Process settings"):
SWITCHYARD_CONFIG (default ./switchyard.yaml), PORT, DATABASE_URL, REDIS_URL, SWITCHYARD_ADMIN_TOKEN, ...`;

const ADMIN_HELP_AFTER = `
Talks to a running gateway's admin API (/admin/v1). The token is read from SWITCHYARD_ADMIN_TOKEN
unless --token is given (prefer the variable: a flag is visible to other users in the process list).`;

/** Runs `argv` (without node and the script) against `handlers`; resolves to the exit code. */
export async function runCli(argv: readonly string[], handlers: CliHandlers, output: CliOutput): Promise<number> {
  if (argv.length === 0) return handlers.serve();
  let exitCode = 0;
  const program = buildProgram(handlers, output, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version asked for exit 0; help shown because a command was missing, and every
    // parse error, are usage errors.
    return error.exitCode === 0 ? 0 : USAGE_ERROR;
  }
  return exitCode;
}

/** The command tree; `done` receives the exit code of the handler that ran. */
export function buildProgram(handlers: CliHandlers, output: CliOutput, done: (code: number) => void): Command {
  const version = switchyardVersion();
  const program = new Command('switchyard');
  // Set before any subcommand is added: commander copies them into each one.
  program
    .description('Switchyard, a relay gateway for large-language-model APIs')
    .exitOverride()
    .configureOutput({ writeOut: output.out, writeErr: output.err })
    .showHelpAfterError()
    .version(version, '-V, --version', 'print the version and exit')
    .helpCommand('help [command]', 'show the help of a command')
    .addHelpText('after', ROOT_HELP_AFTER);

  program
    .command('serve')
    .description('start the gateway (standalone: every service in this process)')
    .action(async () => done(await handlers.serve()));

  program
    .command('apply')
    .description("apply a config file to the database and print the diff (idempotent); running replicas reload at once with REDIS_URL")
    .requiredOption('-f, --file <file>', 'the switchyard.yaml to apply')
    .option('--dry-run', 'print the diff, write nothing', false)
    .option('--server <url>', "send the file to this running gateway's admin API, which applies it and answers the diff (a running standalone's database is locked)", gatewayUrl)
    .addOption(new Option('--token <token>', 'admin token for --server (default: SWITCHYARD_ADMIN_TOKEN)'))
    .action(async (opts: { file: string; dryRun: boolean; server?: string; token?: string }) =>
      done(await handlers.apply({ file: opts.file, dryRun: opts.dryRun, ...(opts.server && { server: { url: opts.server, token: opts.token } }) })),
    );

  program
    .command('validate')
    .description('check a config file as apply would, plus every env: reference and vendor profile; exits 1 when it would not start')
    .requiredOption('-f, --file <file>', 'the switchyard.yaml to check')
    .action(async (opts: { file: string }) => done(await handlers.validate({ file: opts.file })));

  const prices = program.command('prices').description('the price catalogue');
  withAdminOptions(
    prices
      .command('import')
      .description('add prices from a JSON or CSV file (docs/architecture.md §4, "Price files"), or from the community JSON of model prices (LiteLLM\'s model_prices_and_context_window.json), through the admin API; prints what changes, unchanged prices are skipped')
      .argument('<file>', 'a .json ({"prices":[{model, inputPerMTok, outputPerMTok, ...}]}, or the community file), or a .csv (a header row naming our fields) file')
      .option('--dry-run', 'print what would be added, add nothing', false),
  ).action(async (file: string, opts: AdminFlags & { dryRun: boolean }) => done(await handlers.pricesImport({ file, dryRun: opts.dryRun, admin: adminTarget(opts) })));

  const keys = program.command('keys').description("tenants' virtual keys, through the admin API");
  withAdminOptions(
    keys
      .command('create')
      .description('create a key; its secret is printed once')
      .requiredOption('--tenant <id>', 'the tenant the key belongs to')
      .option('--name <name>', 'a label for people')
      .option('--rpm <n>', 'requests per minute', positiveInt)
      .option('--tpm <n>', 'tokens per minute', positiveInt)
      .option('--concurrency <n>', 'requests in flight at once', positiveInt)
      .option('--models <patterns>', 'allowed model names, comma-separated (`*` matches any characters)', list)
      .option('--daily-usd <usd>', 'budget per UTC day', usd)
      .option('--monthly-usd <usd>', 'budget per UTC month', usd)
      .option('--expires-at <time>', 'ISO 8601 date-time with a time zone, e.g. 2027-01-01T00:00:00Z')
      .option('--json', "print the admin API's answer as JSON", false),
  ).action(async (opts: KeyCreateFlags) => done(await handlers.keysCreate({ ...opts, admin: adminTarget(opts) })));
  withAdminOptions(
    keys
      .command('revoke')
      .description('revoke a key (and the secret it replaced, if still in its grace period)')
      .argument('<keyId>', 'the key id (from the admin API or `keys create`)')
      .requiredOption('--tenant <id>', 'the tenant the key belongs to')
      .option('--json', "print the admin API's answer as JSON", false),
  ).action(async (keyId: string, opts: AdminFlags & { tenant: string; json: boolean }) =>
    done(await handlers.keysRevoke({ tenant: opts.tenant, keyId, json: opts.json, admin: adminTarget(opts) })),
  );
  withAdminOptions(
    keys
      .command('rotate')
      .description('give a key a new secret (printed once); the old one keeps working for the grace period')
      .argument('<keyId>', 'the key id')
      .requiredOption('--tenant <id>', 'the tenant the key belongs to')
      .option('--grace-seconds <s>', 'how long the old secret keeps working (default 86400; 0 = stops at once)', nonNegativeInt)
      .option('--json', "print the admin API's answer as JSON", false),
  ).action(async (keyId: string, opts: AdminFlags & { tenant: string; json: boolean; graceSeconds?: number }) =>
    done(await handlers.keysRotate({ tenant: opts.tenant, keyId, json: opts.json, graceSeconds: opts.graceSeconds, admin: adminTarget(opts) })),
  );

  program
    .command('version')
    .description('print the version')
    .action(() => {
      output.out(`${version}\n`);
      done(0);
    });

  return program;
}

interface AdminFlags {
  url: string;
  token?: string;
}

type KeyCreateFlags = AdminFlags & Omit<KeyCreateOptions, 'admin'>;

function withAdminOptions(command: Command): Command {
  return command
    .option('--url <url>', "the gateway's base URL", gatewayUrl, DEFAULT_GATEWAY_URL)
    .addOption(new Option('--token <token>', 'admin token (default: SWITCHYARD_ADMIN_TOKEN)'))
    .addHelpText('after', ADMIN_HELP_AFTER);
}

function adminTarget({ url, token }: AdminFlags): AdminTarget {
  return { url, token };
}

function positiveInt(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return n;
}

function nonNegativeInt(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number of 0 or more');
  return n;
}

function usd(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected an amount in USD, such as 50 or 12.5');
  return n;
}

function list(raw: string): string[] {
  const items = raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (items.length === 0) throw new InvalidArgumentError('expected one or more comma-separated names');
  return items;
}

function gatewayUrl(raw: string): string {
  if (!URL.canParse(raw) || !['http:', 'https:'].includes(new URL(raw).protocol)) throw new InvalidArgumentError('expected an http(s) URL such as http://127.0.0.1:8080');
  return raw.replace(/\/+$/, '');
}
