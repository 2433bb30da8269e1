import { setFlagsFromString } from 'node:v8';

/**
 * Runs the process's start-up with WebAssembly compiled by V8's baseline tier (Liftoff) only.
 *
 * Start-up runs a lot of Wasm once: PGlite's 9 MB Postgres (in its worker thread, opening the
 * database and migrating) and Prisma's query compiler (applying the configuration). V8's
 * dynamic tiering then compiles much of it a second time with its optimising tier, on
 * background threads whose malloc arenas keep the memory afterwards. Measured on this machine
 * (standalone, PGlite, idle RSS): ~45 MB of the process's resident memory was that second
 * compilation of code that, once started, serves a few queries a second.
 *
 * The flag is process-wide and read when a function is compiled, so it is turned back off once
 * the server listens: Wasm first compiled later (undici's HTTP parser, on the first upstream
 * request) gets both tiers as usual, and the start-up code that stays hot still tiers up.
 */
export async function withBaselineWasmTier<T>(start: () => Promise<T>): Promise<T> {
  setFlagsFromString('--liftoff-only');
  try {
    return await start();
  } finally {
    setFlagsFromString('--no-liftoff-only');
  }
}
