import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The worker's bundle, emitted by tools/build.mjs beside the app bundle that opens PGlite. */
export const PGLITE_WORKER_FILE = 'pglite.worker.js';

/**
 * Where the database worker's script is. In a bundle (`dist/apps/standalone/main.js`, `npm
 * start`) `__dirname` is the bundle's folder. Jest runs the TypeScript sources, where no bundle
 * exists: its harness (`test-database.harness.ts`) replaces this function with one that bundles
 * `pglite.worker.ts` first.
 */
export function locatePgliteWorker(): string {
  const script = join(__dirname, PGLITE_WORKER_FILE);
  if (!existsSync(script)) {
    throw new Error(`the embedded database's worker script ${script} is missing: build with node tools/build.mjs`);
  }
  return script;
}
