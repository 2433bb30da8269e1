import { parseSimulatorArgs } from './simulator-cli.args';

function parse(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const result = parseSimulatorArgs(argv, env, { out: (t) => (out += t), err: (t) => (err += t) });
  return { result, out, err };
}

describe(parseSimulatorArgs.name, () => {
  it('defaults to 127.0.0.1:9000, or SIM_PORT and SIM_HOST', () => {
    expect(parse([]).result).toEqual({ port: 9000, host: '127.0.0.1' });
    expect(parse([], { SIM_PORT: '9100', SIM_HOST: '0.0.0.0' }).result).toEqual({ port: 9100, host: '0.0.0.0' });
  });

  it('takes --port and --host, over the environment', () => {
    expect(parse(['--port', '0', '--host=::1'], { SIM_PORT: '9100' }).result).toEqual({ port: 0, host: '::1' });
  });

  it('takes --echo, which answers every chat request with the request received', () => {
    expect(parse(['--echo']).result).toEqual({ port: 9000, host: '127.0.0.1', echo: true });
    expect(parse(['--help']).out).toContain('--echo');
  });

  it('prints its help for --help and starts nothing (exit 0)', () => {
    const { result, out } = parse(['--help']);

    expect(result).toEqual({ exitCode: 0 });
    expect(out).toContain('--port <port>');
  });

  it.each([[['--prot', '9000']], [['9000']], [['--port', 'http']]])('exits 2 after the help for %j', (argv) => {
    const { result, err } = parse(argv);

    expect(result).toEqual({ exitCode: 2 });
    expect(err).toContain('Usage: simulator');
  });

  it('exits 2 naming SIM_PORT when it is no port', () => {
    expect(parse([], { SIM_PORT: 'abc' })).toEqual({ result: { exitCode: 2 }, out: '', err: 'SIM_PORT: invalid port "abc": expected 0 to 65535\n' });
  });
});
