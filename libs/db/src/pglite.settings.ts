import type { PGliteOptions } from '@electric-sql/pglite';

/**
 * PGlite's memory settings. Postgres' defaults are sized for a server with memory to spare;
 * PGlite touches its whole buffer pool at start, so shared_buffers is resident memory from the
 * first second. Measured on PGlite 0.5.16 (PGlite alone in a Node 20 process, an existing data
 * folder, RSS after start): defaults (shared_buffers 128 MB) 300 MB; 32 MB 209 MB; 16 MB 182 MB;
 * 4 MB 174 MB; 1 MB 163 MB. In the standalone process (idle, existing folder) the defaults
 * held 395 MB, these settings with the worker thread 274 MB. The gateway's tables are a few
 * megabytes (keys, catalogue) plus the usage ledger, which is only appended to: a small pool
 * costs no reads that matter. 4 MB (512 pages) keeps the catalogue and the indexes the usage
 * insert walks cached; 500-row unnest inserts (into 50,000 rows with two unique indexes) cost
 * 27-28 µs of CPU per row with 4 MB and with the defaults alike. `initialMemory` cannot go below the module's own minimum (128 MB of address space,
 * mostly never touched), so it is left alone. See docs/architecture.md §5.
 */
export const PGLITE_SETTINGS = ['shared_buffers=4MB', 'temp_buffers=1MB', 'wal_buffers=256kB'] as const;

/** PGlite's options: its own start parameters plus ours (`-c name=value`, later ones win). */
export function pgliteOptions(defaultStartParams: readonly string[]): PGliteOptions {
  return { startParams: [...defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ['-c', s])] };
}
