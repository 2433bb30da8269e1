import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { eventually, freePort } from './process-harness';

// A Postgres cluster and a Redis server of the fault tests' own, on free ports: those tests
// kill and restart them, so they must never touch the shared servers other suites use. Both are
// stopped by `stop()` and, should the test process die first, by an exit hook.

const PG_BIN = (() => {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.length ? join(root, versions[0] as string, 'bin') : '';
})();

const cleanups = new Set<() => void>();
process.once('exit', () => {
  for (const cleanup of cleanups) cleanup();
});

/** Runs a command (as the `postgres` OS user when we are root: initdb and postgres refuse root). */
function run(command: string, args: string[], asPostgres: boolean, timeoutMs = 60_000): string {
  const [cmd, argv] = asPostgres && process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8', timeout: timeoutMs });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

export interface PrivatePostgres {
  readonly url: string;
  readonly port: number;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A client of its own, e.g. to hold a lock; ended by `stop()`. */
  connect(): Promise<Client>;
  /** Crash (`immediate`: no checkpoint, as a killed server) or clean (`fast`) stop. */
  kill(mode?: 'immediate' | 'fast'): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** initdb + pg_ctl in a temporary folder owned by `postgres`; database `switchyard`. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  if (!PG_BIN) throw new Error('no Postgres binaries under /usr/lib/postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'sy-faults-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    chownSync(dir, Number(run('id', ['-u', 'postgres'], false)), Number(run('id', ['-g', 'postgres'], false)));
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  run(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], true);
  // fsync off: only processes are killed here, never the machine, so the OS cache is durable enough.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const pgCtl = (...args: string[]) => run(join(PG_BIN, 'pg_ctl'), ['-D', data, ...args], true, 150_000);
  const log = join(dir, 'postgres.log');
  const startOnce = () => pgCtl('-o', options, '-l', log, '-w', '-t', '120', 'start');
  // A restart after an immediate stop once did not come up within pg_ctl's wait on a CI run (the
  // log was gone with the folder): stop whatever half-started and try once more, and if that
  // fails too, say what the server's log said.
  const start = async () => {
    try {
      startOnce();
    } catch (first) {
      try {
        if (existsSync(join(data, 'postmaster.pid'))) pgCtl('-m', 'immediate', '-w', 'stop');
      } catch {
        // Nothing running to stop: the second start below says what is wrong.
      }
      try {
        startOnce();
      } catch (second) {
        const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : '(no log)';
        throw new Error(`private Postgres did not start twice: ${String(first)}\n${String(second)}\n--- postgres.log ---\n${tail}`);
      }
    }
  };
  const kill = (mode: 'immediate' | 'fast' = 'immediate') => {
    if (existsSync(join(data, 'postmaster.pid'))) pgCtl('-m', mode, '-w', 'stop');
  };
  const cleanup = () => {
    try {
      kill('immediate');
    } catch {
      // Already stopped, or the binaries are gone: nothing to stop.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  cleanups.add(cleanup);
  await start();
  const base = `postgresql://postgres@127.0.0.1:${port}`;
  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE switchyard');
  await admin.end();
  const url = `${base}/switchyard`;
  const clients = new Set<Client>();
  return {
    url,
    port,
    async query<T>(sql: string, params: unknown[] = []) {
      // A client per query: the server is restarted under the test, and a pooled connection would die with it.
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    async connect() {
      const client = new Client({ connectionString: url });
      client.on('error', () => undefined);
      await client.connect();
      clients.add(client);
      return client;
    },
    kill,
    start,
    async stop() {
      for (const c of clients) await c.end().catch(() => undefined);
      cleanup();
      cleanups.delete(cleanup);
    },
  };
}

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** SIGKILL: what the server held in memory and had not appended to its log is gone. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** A client of the test's own (quit by `stop()`). */
  client(): Redis;
  stop(): Promise<void>;
}

/**
 * redis-server on a free port, with an append-only file fsynced on every write: the usage queue
 * lives in this Redis, and a queue that forgets its jobs on a restart loses usage by design
 * (a production Redis for BullMQ needs persistence). No RDB snapshots.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-faults-redis-'));
  const port = await freePort();
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const clients = new Set<Redis>();
  const start = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const child = proc;
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode}: ${out}`);
      const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
      try {
        await probe.connect();
        if ((await probe.ping()) !== 'PONG') throw new Error('no PONG');
      } finally {
        probe.disconnect();
      }
    }, 15_000, 'redis-server accepting connections');
  };
  const kill = async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  };
  const cleanup = () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  cleanups.add(cleanup);
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    client() {
      const c = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
      c.on('error', () => undefined);
      clients.add(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.disconnect();
      await kill();
      cleanup();
      cleanups.delete(cleanup);
    },
  };
}

