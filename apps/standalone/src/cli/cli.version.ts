import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The version `switchyard version` prints: the one the repository's package.json declares,
 * found upwards from this file (src/ in tests, dist/apps/standalone/ once bundled). Read at run
 * time because a relative import of the root package.json would cross the project boundary.
 */
export function switchyardVersion(): string {
  return findVersion(__dirname) ?? 'unknown';
}

function findVersion(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'switchyard' && typeof pkg.version === 'string') return pkg.version;
    }
    if (dirname(dir) === dir) return undefined;
  }
}
