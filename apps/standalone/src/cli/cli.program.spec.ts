import type { CliHandlers } from './cli-handlers.types';
import { DEFAULT_GATEWAY_URL, runCli } from './cli.program';
import { switchyardVersion } from './cli.version';

type Call = [keyof CliHandlers, unknown?];

/** Handlers that only record what they were asked, answering `code`. */
function fakeHandlers(code = 0): { handlers: CliHandlers; calls: Call[] } {
  const calls: Call[] = [];
  const record =
    (name: keyof CliHandlers) =>
    async (options?: unknown): Promise<number> => {
      calls.push(options === undefined ? [name] : [name, options]);
      return code;
    };
  const handlers: CliHandlers = {
    serve: record('serve'),
    apply: record('apply'),
    validate: record('validate'),
    pricesImport: record('pricesImport'),
    keysCreate: record('keysCreate'),
    keysRevoke: record('keysRevoke'),
    keysRotate: record('keysRotate'),
  };
  return { handlers, calls };
}

async function run(argv: string[], code = 0): Promise<{ exit: number; calls: Call[]; out: string; err: string }> {
  const { handlers, calls } = fakeHandlers(code);
  let out = '';
  let err = '';
  const exit = await runCli(argv, handlers, { out: (t) => (out += t), err: (t) => (err += t) });
  return { exit, calls, out, err };
}

describe(runCli.name, () => {
  it('serves with no arguments at all', async () => {
    expect(await run([])).toMatchObject({ exit: 0, calls: [['serve']] });
  });

  it('serves when asked by name', async () => {
    expect(await run(['serve'])).toMatchObject({ exit: 0, calls: [['serve']] });
  });

  it.each([['--help'], ['-h'], ['help']])('prints the command list for %s and runs nothing', async (arg) => {
    const { exit, calls, out } = await run([arg]);

    expect(exit).toBe(0);
    expect(calls).toEqual([]);
    for (const command of ['serve', 'apply', 'validate', 'prices', 'keys', 'version', 'help']) expect(out).toContain(command);
  });

  it.each([
    [['serve', '--help'], 'start the gateway'],
    [['apply', '--help'], '--dry-run'],
    [['validate', '--help'], 'env: reference'],
    [['prices', '--help'], 'import'],
    [['prices', 'import', '--help'], '--url <url>'],
    [['keys', '--help'], 'rotate'],
    [['keys', 'create', '--help'], '--monthly-usd <usd>'],
    [['keys', 'revoke', '--help'], '<keyId>'],
    [['keys', 'rotate', '--help'], '--grace-seconds <s>'],
    [['version', '--help'], 'print the version'],
    [['help', 'apply'], '--file <file>'],
  ])('%j prints that command\'s help and runs nothing', async (argv, expected) => {
    const { exit, calls, out } = await run(argv);

    expect(exit).toBe(0);
    expect(calls).toEqual([]);
    expect(out).toContain(expected);
  });

  it.each([['version'], ['--version'], ['-V']])('%s prints the version of package.json', async (arg) => {
    const { exit, calls, out } = await run([arg]);

    expect({ exit, calls, out }).toEqual({ exit: 0, calls: [], out: `${switchyardVersion()}\n` });
    expect(switchyardVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [['aply'], "unknown command 'aply'"],
    [['--port', '9000'], "unknown option '--port'"],
    [['apply', '-f', 'x.yaml', '--dryrun'], "unknown option '--dryrun'"],
    [['apply'], "required option '-f, --file <file>' not specified"],
    [['validate', 'x.yaml'], "required option '-f, --file <file>' not specified"],
    [['serve', 'now'], 'too many arguments'],
    [['prices'], 'import'],
    [['prices', 'import'], "missing required argument 'file'"],
    [['keys', 'create'], "required option '--tenant <id>' not specified"],
    [['keys', 'create', '--tenant', 'acme', '--rpm', 'lots'], 'expected a whole number of 1 or more'],
    [['keys', 'revoke', '--tenant', 'acme'], "missing required argument 'keyId'"],
    [['keys', 'rotate', 'k1', '--tenant', 'acme', '--url', 'ftp://gw'], 'expected an http(s) URL'],
  ])('%j is a usage error: help on stderr, exit 2, nothing run', async (argv, expected) => {
    const { exit, calls, err } = await run(argv);

    expect(exit).toBe(2);
    expect(calls).toEqual([]);
    expect(err).toContain(expected);
    expect(err).toContain('Usage: switchyard');
  });

  it('passes apply its file and --dry-run, and returns its exit code', async () => {
    expect(await run(['apply', '-f', 'switchyard.yaml', '--dry-run'], 1)).toMatchObject({ exit: 1, calls: [['apply', { file: 'switchyard.yaml', dryRun: true }]] });
    expect((await run(['apply', '--file=prod.yaml'])).calls).toEqual([['apply', { file: 'prod.yaml', dryRun: false }]]);
    expect((await run(['apply', '-f', 'prod.yaml', '--server', 'http://gw:8080', '--token', 't', '--dry-run'])).calls).toEqual([
      ['apply', { file: 'prod.yaml', dryRun: true, server: { url: 'http://gw:8080', token: 't' } }],
    ]);
  });

  it('passes validate its file', async () => {
    expect((await run(['validate', '-f', 'switchyard.yaml'])).calls).toEqual([['validate', { file: 'switchyard.yaml' }]]);
  });

  it('passes prices import its file and the gateway, defaulting to the local one', async () => {
    expect((await run(['prices', 'import', 'prices.csv'])).calls).toEqual([
      ['pricesImport', { file: 'prices.csv', dryRun: false, admin: { url: DEFAULT_GATEWAY_URL, token: undefined } }],
    ]);
    expect((await run(['prices', 'import', 'p.json', '--dry-run', '--url', 'https://gw.example.com/', '--token', 't'])).calls).toEqual([
      ['pricesImport', { file: 'p.json', dryRun: true, admin: { url: 'https://gw.example.com', token: 't' } }],
    ]);
  });

  it('passes keys create its limits, parsed', async () => {
    const { calls } = await run(['keys', 'create', '--tenant', 'acme', '--name', 'ci', '--rpm', '600', '--models', 'gpt-4o*, claude-*', '--monthly-usd', '12.5', '--json']);

    expect(calls).toEqual([
      ['keysCreate', expect.objectContaining({ tenant: 'acme', name: 'ci', rpm: 600, models: ['gpt-4o*', 'claude-*'], monthlyUsd: 12.5, json: true, admin: { url: DEFAULT_GATEWAY_URL, token: undefined } })],
    ]);
  });

  it('passes keys revoke and rotate the key and tenant', async () => {
    expect((await run(['keys', 'revoke', 'k1', '--tenant', 'acme'])).calls).toEqual([['keysRevoke', { tenant: 'acme', keyId: 'k1', json: false, admin: { url: DEFAULT_GATEWAY_URL, token: undefined } }]]);
    expect((await run(['keys', 'rotate', 'k1', '--tenant', 'acme', '--grace-seconds', '0'])).calls).toEqual([
      ['keysRotate', { tenant: 'acme', keyId: 'k1', json: false, graceSeconds: 0, admin: { url: DEFAULT_GATEWAY_URL, token: undefined } }],
    ]);
  });
});
