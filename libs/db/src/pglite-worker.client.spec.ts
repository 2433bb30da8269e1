import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PgliteWorkerClient, semiSpaceFlag } from './pglite-worker.client';

// Stand-in workers, written as plain scripts: the client's contract does not depend on PGlite.
// Each answers the ready handshake and then behaves as its script says.
const dir = mkdtempSync(join(tmpdir(), 'sy-worker-'));
function fakeWorker(name: string, body: string): string {
  const path = join(dir, `${name}.js`);
  writeFileSync(path, `const { parentPort } = require('node:worker_threads');\n${body}`);
  return path;
}

const echo = fakeWorker(
  'echo',
  `parentPort.postMessage({ ready: true });
   parentPort.on('message', (r) => {
     if (r.op === 'close') { parentPort.postMessage({ id: r.id, ok: true }); parentPort.close(); return; }
     if (r.op === 'exec' && r.script === 'die') process.exit(3);
     if (r.op === 'exec' && r.script === 'fail') {
       parentPort.postMessage({ id: r.id, ok: false, error: { name: 'error', message: 'relation "x" does not exist', fields: { code: '42P01' } } });
       return;
     }
     // Answers out of order: the slow request is answered after the next one.
     setTimeout(() => parentPort.postMessage({ id: r.id, ok: true, value: r.sql }), r.sql === 'slow' ? 50 : 0);
   });`,
);
const cannotOpen = fakeWorker('cannot-open', `parentPort.postMessage({ ready: false, error: { name: 'Error', message: 'could not open the data folder', fields: {} } });`);
const crashesAtStart = fakeWorker('crashes', `process.exit(7);`);
// Run as a child process (no parentPort) for an empty folder, as the real script initialises one.
const initialises = fakeWorker(
  'initialises',
  `if (!parentPort) { require('node:fs').writeFileSync(require('node:path').join(process.argv[2], 'PG_VERSION'), '17'); process.exit(0); }
   parentPort.postMessage({ ready: true });
   parentPort.on('message', (r) => { parentPort.postMessage({ id: r.id, ok: true }); if (r.op === 'close') parentPort.close(); });`,
);
// Churns through short-lived objects, so V8 grows its new space as far as it may, then reports the size.
const reportsNewSpace = fakeWorker(
  'new-space',
  `parentPort.postMessage({ ready: true });
   parentPort.on('message', (r) => {
     if (r.op === 'close') { parentPort.postMessage({ id: r.id, ok: true }); parentPort.close(); return; }
     let kept = [];
     for (let round = 0; round < 40; round++) { kept = []; for (let i = 0; i < 100000; i++) kept.push({ i, s: 'x' + i }); }
     const space = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
     parentPort.postMessage({ id: r.id, ok: true, value: space.space_size });
   });`,
);
const initFails = fakeWorker('init-fails', `if (!parentPort) { console.error('initdb: no space left on device'); process.exit(1); }`);

describe(PgliteWorkerClient.name, () => {
  let sut: PgliteWorkerClient | undefined;
  // An existing folder, so open() goes straight to the serving worker (no initdb pass).
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-worker-data-'));
  beforeAll(() => writeFileSync(join(dataDir, 'PG_VERSION'), '17\n'));
  afterEach(() => sut?.close());

  it('matches each answer to its request, in whatever order they come back', async () => {
    sut = await PgliteWorkerClient.open(echo, dataDir);
    const slow = sut.call({ op: 'query', sql: 'slow' });
    const fast = sut.call({ op: 'query', sql: 'fast' });
    expect(await Promise.all([slow, fast])).toEqual(['slow', 'fast']);
  });

  it('rejects with the worker error, its name and its Postgres fields', async () => {
    sut = await PgliteWorkerClient.open(echo, dataDir);
    const error = await sut.call({ op: 'exec', script: 'fail' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'error', message: 'relation "x" does not exist', code: '42P01' });
  });

  it('fails the calls in flight and every later one with the reason when the worker dies', async () => {
    sut = await PgliteWorkerClient.open(echo, dataDir);
    const inFlight = sut.call({ op: 'query', sql: 'slow' });
    await expect(sut.call({ op: 'exec', script: 'die' })).rejects.toThrow("the embedded database's worker stopped (exit code 3)");
    await expect(inFlight).rejects.toThrow('exit code 3');
    await expect(sut.call({ op: 'query', sql: 'after' })).rejects.toThrow('exit code 3');
  });

  it('refuses calls once closed, and closes twice without complaint', async () => {
    sut = await PgliteWorkerClient.open(echo, dataDir);
    await sut.close();
    await sut.close();
    await expect(sut.call({ op: 'query', sql: 'late' })).rejects.toThrow('the embedded database is closed');
  });

  it('says why the worker could not open the database', async () => {
    sut = undefined;
    await expect(PgliteWorkerClient.open(cannotOpen, dataDir)).rejects.toThrow('could not open the data folder');
    await expect(PgliteWorkerClient.open(crashesAtStart, dataDir)).rejects.toThrow('exited (code 7) before it opened the database');
  });

  it('initialises an empty folder in a child process first, then serves it from the worker', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sy-worker-empty-'));
    sut = await PgliteWorkerClient.open(initialises, empty);
    expect(existsSync(join(empty, 'PG_VERSION'))).toBe(true);
    await expect(sut.call({ op: 'exec', script: 'SELECT 1' })).resolves.toBeUndefined();
  });

  it("says why an empty folder could not be initialised, in the initialiser's own words", async () => {
    sut = undefined;
    const empty = mkdtempSync(join(tmpdir(), 'sy-worker-empty-'));
    await expect(PgliteWorkerClient.open(initFails, empty)).rejects.toThrow(
      `could not initialise the embedded database in ${empty} (exit code 1): initdb: no space left on device`,
    );
  });

  it('refuses a value the structured clone cannot copy, without sending anything', async () => {
    sut = await PgliteWorkerClient.open(echo, dataDir);
    await expect(sut.call({ op: 'query', sql: 'x', params: [() => 1] })).rejects.toThrow();
    expect(await sut.call({ op: 'query', sql: 'still here' })).toBe('still here');
  });

  it('keeps the worker to a young generation of 3 MB, even under a process-wide --max-semi-space-size', async () => {
    // As the standalone launch runs: the flag on the command line, so in force for every isolate.
    process.execArgv.push('--max-semi-space-size=16');
    setFlagsFromString('--max-semi-space-size=16');
    try {
      sut = await PgliteWorkerClient.open(reportsNewSpace, dataDir);
      expect(await sut.call({ op: 'query', sql: 'churn' })).toBeLessThanOrEqual(2 * 1024 * 1024);
    } finally {
      process.execArgv.pop();
      setFlagsFromString('--max-semi-space-size=0');
    }
  });
});

describe(semiSpaceFlag.name, () => {
  it('finds the flag in either spelling and form, and takes the last, as V8 does', () => {
    expect(semiSpaceFlag(['--max-semi-space-size=8'])).toBe('8');
    expect(semiSpaceFlag(['--enable-source-maps', '--max_semi_space_size', '4', 'main.js'])).toBe('4');
    expect(semiSpaceFlag(['--max-semi-space-size=8', '--max-semi-space-size=2'])).toBe('2');
    expect(semiSpaceFlag(['--max-old-space-size=512', ''])).toBeUndefined();
  });
});
