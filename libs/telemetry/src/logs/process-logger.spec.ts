import { Logger } from '@nestjs/common';
import { Writable } from 'node:stream';
import { scrubUrlKeys } from './log-redaction';
import { installProcessLogs } from './nest-pino.logger';
import { createProcessLogger, type ProcessLogLevel } from './process-logger';

// A process's log lines as a collector reads them: JSON, one per line, with the service,
// region and pid on each, at LOG_LEVEL, and never a key however it was sent.

const KEY = 'sk-sy-acme-0123456789abcdef';

function sink(): { out: Writable; lines: () => Record<string, unknown>[]; raw: () => string } {
  let raw = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw += chunk.toString();
      done();
    },
  });
  return { out, raw: () => raw, lines: () => raw.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe(createProcessLogger.name, () => {
  it('writes JSON lines with the level name, service, region and pid', () => {
    const { out, lines } = sink();
    const sut = createProcessLogger({ service: 'router', region: 'eu-west', level: 'info', destination: out });

    sut.info('up');

    expect(lines()).toEqual([{ level: 'info', time: expect.any(String), service: 'router', region: 'eu-west', pid: process.pid, msg: 'up' }]);
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ] as const)('at LOG_LEVEL=%s writes %j only', (level: ProcessLogLevel, written: readonly string[]) => {
    const { out, lines } = sink();
    const sut = createProcessLogger({ service: 'auth', region: '', level, destination: out });

    sut.debug('d');
    sut.info('i');
    sut.warn('w');
    sut.error('e');

    expect(lines().map((l) => l['level'])).toEqual(written);
  });

  it('censors the key headers wherever request headers are logged', () => {
    const { out, raw, lines } = sink();
    const sut = createProcessLogger({ service: 'ingress', region: '', level: 'info', destination: out });
    const headers = { authorization: `Bearer ${KEY}`, 'x-api-key': KEY, 'x-goog-api-key': KEY, 'content-type': 'application/json' };

    sut.info({ headers }, 'a');
    sut.info({ req: { method: 'POST', headers } }, 'b');

    expect(raw()).not.toContain(KEY);
    expect(lines()[1]).toMatchObject({ req: { headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', 'x-goog-api-key': '[redacted]', 'content-type': 'application/json' } } });
  });

  it('scrubs a ?key= from messages, through Nest loggers too', () => {
    const { out, raw } = sink();
    const logs = installProcessLogs({ service: 'adapter-gemini', region: '', level: 'info', destination: out });

    logs.root.warn(`upstream said 400 for https://generativelanguage.googleapis.com/v1beta/models/x:generateContent?alt=sse&key=${KEY}`);
    new Logger('UpstreamService').error(`GET /v1/models?key=${KEY} failed`);

    expect(raw()).toContain('alt=sse&key=[redacted]');
    expect(raw()).toContain('"context":"UpstreamService"');
    expect(raw()).not.toContain(KEY);
  });

  it("sends Nest's Logger through pino and moves Nest's per-module and per-route lines to debug", () => {
    const { out, lines } = sink();
    installProcessLogs({ service: 'standalone', region: '', level: 'info', destination: out });

    new Logger('InstanceLoader').log('IngressModule dependencies initialized');
    new Logger('RouterExplorer').log('Mapped {/v1/models, GET} route');
    new Logger('config').warn('provider "x": a literal key');

    expect(lines()).toEqual([expect.objectContaining({ level: 'warn', context: 'config', msg: 'provider "x": a literal key', service: 'standalone' })]);
  });
});

describe(scrubUrlKeys.name, () => {
  it.each([
    ['https://h/p?key=abc', 'https://h/p?key=[redacted]'],
    ['https://h/p?a=1&key=abc&b=2', 'https://h/p?a=1&key=[redacted]&b=2'],
    ['no query here', 'no query here'],
    ['a monkey=banana stays', 'a monkey=banana stays'],
  ])('%s → %s', (text, expected) => {
    expect(scrubUrlKeys(text)).toBe(expected);
  });
});
