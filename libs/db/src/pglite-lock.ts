import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * PGlite is one process's embedded database: a second process opening the same folder (a
 * second standalone, or `switchyard apply` while the server runs) would corrupt it. The lock
 * is a file beside the folder holding the owner's pid; a lock whose process is gone is stale
 * and taken over.
 */
const held = new Set<string>();

export function acquirePgliteLock(dataDir: string): () => void {
  const path = `${dataDir}.lock`;
  if (held.has(path)) throw new Error(`the embedded database ${dataDir} is already open in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      held.add(path);
      return () => {
        held.delete(path);
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Our own pid in a lock we do not hold is a previous incarnation's (containers reuse pid 1).
      const owner = Number(readFileSync(path, 'utf8'));
      if (owner && owner !== process.pid && alive(owner)) {
        throw new Error(`the embedded database ${dataDir} is in use by process ${owner}; stop it first (or give this process its own SWITCHYARD_DATA_DIR)`);
      }
      unlinkSync(path);
    }
  }
  throw new Error(`could not lock the embedded database ${dataDir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
