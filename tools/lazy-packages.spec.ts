import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// tools/lazy-packages.mjs, through esbuild as tools/build.mjs runs it: a bundle that imports
// ioredis must not load it at start, and must hand out the real package's exports once read.
const ROOT = resolve(__dirname, '..');

function bundleAndRun(entry: string, lazy: string[]): Record<string, unknown> {
  const out = join(mkdtempSync(join(tmpdir(), 'sy-lazy-')), 'bundle.js');
  const build = `
    import { build } from 'esbuild';
    import { lazyPackagesPlugin } from ${JSON.stringify(join(ROOT, 'tools/lazy-packages.mjs'))};
    await build({ stdin: { contents: ${JSON.stringify(entry)}, resolveDir: ${JSON.stringify(ROOT)}, loader: 'ts' }, outfile: ${JSON.stringify(out)},
      bundle: true, platform: 'node', format: 'cjs', packages: 'external', logLevel: 'error', plugins: [lazyPackagesPlugin(${JSON.stringify(lazy)})] });`;
  const built = spawnSync(process.execPath, ['--input-type=module', '-e', build], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
  const ran = spawnSync(process.execPath, [out], { encoding: 'utf8', env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') } });
  if (ran.status !== 0) throw new Error(`bundle failed: ${ran.stderr}`);
  return JSON.parse(ran.stdout) as Record<string, unknown>;
}

const ENTRY = `
  import { Redis, ReplyError } from 'ioredis';
  const loaded = () => Object.keys(require.cache).some((f) => f.includes('/node_modules/ioredis/'));
  const atStart = loaded();
  const real = require('ioredis');
  console.log(JSON.stringify({ atStart, same: Redis === real.Redis && ReplyError === real.ReplyError, isClass: typeof Redis === 'function' }));
`;

describe('lazyPackagesPlugin', () => {
  it('loads a lazy package on the first read of one of its exports, and those are the real ones', () => {
    expect(bundleAndRun(ENTRY, ['ioredis'])).toEqual({ atStart: false, same: true, isClass: true });
  });

  it('leaves other packages as plain requires, loaded at start', () => {
    expect(bundleAndRun(ENTRY, ['bullmq'])).toEqual({ atStart: true, same: true, isClass: true });
  });
});
