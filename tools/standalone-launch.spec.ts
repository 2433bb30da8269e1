import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The standalone process is launched in three places the bench and the demo do not share code
// with: `npm start`, the image's CMD and ENV. tools/standalone-launch.json is what the bench
// measures and the demo runs; these must launch it the same way (docs/architecture.md §7).
const root = join(__dirname, '..');
const launch = JSON.parse(readFileSync(join(root, 'tools/standalone-launch.json'), 'utf8')) as { nodeFlags: string[]; env: Record<string, string> };
const envWords = Object.entries(launch.env).map(([k, v]) => `${k}=${v}`);

describe('the standalone launch', () => {
  it('is what npm start runs', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // exec: npm's shell is replaced by node, so a SIGTERM to `npm start` reaches the gateway.
    expect(pkg.scripts['start']).toBe([...envWords, 'exec', 'node', ...launch.nodeFlags, 'dist/apps/standalone/main.js'].join(' '));
  });

  it('is what the image runs by default', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(['node', ...launch.nodeFlags, 'dist/apps/standalone/main.js']);
    for (const word of envWords) expect(dockerfile).toMatch(new RegExp(`^ENV ${word}$`, 'm'));
  });
});
