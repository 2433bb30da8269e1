// Postgres and Redis for the cluster target. The cluster runs only where both answer: the
// environment's DATABASE_URL / REDIS_URL, else the local defaults. The benchmark never writes
// into an existing database: it creates a fresh one on that server and drops it afterwards.
import { Redis } from 'ioredis';
import { connect } from 'node:net';
import pg from 'pg';

const DEFAULT_POSTGRES = 'postgresql://postgres@127.0.0.1:5432/postgres';
// Database 9 keeps the benchmark's queues and counters away from a developer's db 0.
const DEFAULT_REDIS = 'redis://127.0.0.1:6379/9';
const PROBE_TIMEOUT_MS = 1_500;

export function clusterInfra(env = process.env) {
  return { postgresUrl: env.DATABASE_URL ?? DEFAULT_POSTGRES, redisUrl: env.REDIS_URL ?? DEFAULT_REDIS, ownRedis: env.REDIS_URL === undefined };
}

/**
 * Empties the benchmark's own Redis database (only ever the default db 9, never a REDIS_URL
 * someone passed in): usage jobs left by an earlier run would otherwise be billed into this
 * run's fresh database and disturb its first cells, and completed jobs pile up between runs.
 */
export async function resetOwnRedis({ redisUrl, ownRedis }) {
  if (!ownRedis) return;
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

/**
 * Throws when anything else is connected to the benchmark's own Redis database: a cluster an
 * earlier run or a `bench/profile.mjs` left running (its billing would take this run's usage jobs
 * and its processes would share the cores), or a test using db 9. Never for a REDIS_URL passed in.
 */
export async function refuseSharedRedis({ redisUrl, ownRedis }) {
  if (!ownRedis) return;
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let others;
  try {
    await redis.connect();
    const me = await redis.client('ID');
    const db = new URL(redisUrl).pathname.slice(1) || '0';
    const clients = String(await redis.client('LIST')).split('\n');
    others = clients.filter((c) => c.includes(` db=${db} `) && !c.startsWith(`id=${me} `)).map((c) => /addr=(\S+)/.exec(c)?.[1] ?? c);
  } finally {
    redis.disconnect();
  }
  if (others.length) {
    throw new Error(`${others.length} other connection(s) to the bench's Redis database ${redact(redisUrl)} (from ${others.slice(0, 3).join(', ')}): ` +
      "a cluster left running by an earlier bench or profile, or a test on that database, would take this run's usage jobs and share its cores; stop it first");
  }
}

/** Why the cluster cannot run here, or null when Postgres and Redis both answer. */
export async function infraProblem({ postgresUrl, redisUrl }) {
  const problems = [];
  try {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
    await client.connect();
    await client.end();
  } catch (err) {
    problems.push(`Postgres at ${redact(postgresUrl)} does not answer (${err.message})`);
  }
  if (!(await redisAnswers(redisUrl))) problems.push(`Redis at ${redact(redisUrl)} does not answer`);
  return problems.length ? problems.join('; ') : null;
}

/**
 * Creates a uniquely named database next to the one `postgresUrl` names; returns its URL and a
 * drop(). First drops the databases earlier runs on this machine left behind when they were
 * killed before their own drop (their pid, in the name, is no longer a live process) — only on a
 * loopback server, where a pid in a name can only be a process of this machine.
 */
export async function createFreshDatabase(postgresUrl) {
  const name = `switchyard_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    if (LOOPBACK.has(new URL(postgresUrl).hostname)) await dropOrphans(admin);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

async function dropOrphans(admin) {
  const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'switchyard\\_bench\\_%'`);
  for (const { datname } of rows) {
    const pid = Number(/^switchyard_bench_(\d+)_/.exec(datname)?.[1]);
    if (!pid || pidAlive(pid)) continue;
    await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    console.log(`bench: dropped ${datname}, left by a run that did not finish (pid ${pid} is gone)`);
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Any RESP reply to PING counts: an auth error still means a Redis is there to use. */
function redisAnswers(redisUrl) {
  const url = new URL(redisUrl);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379) });
    socket.setTimeout(PROBE_TIMEOUT_MS);
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    // Over TLS a plain PING would go unanswered; an open port has to do.
    socket.once('connect', () => (url.protocol === 'rediss:' ? done(true) : socket.write('PING\r\n')));
    socket.once('data', (d) => done(d[0] === 0x2b /* + */ || d[0] === 0x2d /* - */));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** A URL fit for logs: the password, if any, replaced. */
export function redact(raw) {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return raw;
  }
}
