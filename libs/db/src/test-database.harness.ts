// Real databases for this library's specs: a uniquely named database on the local Postgres
// (TEST_POSTGRES_URL, as in test/e2e) or PGlite in a fresh temporary folder.
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import type { Module } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { createDatabase } from './create-database';
import type { Database, DatabaseKind } from './database';

// PGlite runs in a worker thread (pglite.worker.ts), outside Jest's sandbox, from a bundle that
// tools/build.mjs makes for the apps. Jest runs the sources, so the harness bundles the worker
// itself, once per test file, and points the driver at it.
jest.mock('./pglite-worker.locator', () => ({ locatePgliteWorker: bundledTestWorker }));

let testWorker: string | undefined;
function bundledTestWorker(): string {
  if (testWorker) return testWorker;
  // Inside the repository (tmp/ is ignored), so the bundle resolves node_modules like the sources.
  const outfile = join(__dirname, '../../../tmp', `pglite-worker-${process.pid}.js`);
  const { buildSync } = jest.requireActual<typeof import('esbuild')>('esbuild');
  buildSync({ entryPoints: [join(__dirname, 'pglite.worker.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', packages: 'external', logLevel: 'warning' });
  testWorker = outfile;
  return outfile;
}

// PGlite's Emscripten glue calls import('node:module'), which Jest's CommonJS sandbox rejects
// without --experimental-vm-modules: the template below loads PGlite with Node's own require.

function nodeRequire(): NodeJS.Require {
  // Jest's 'module' is a subclass of Node's whose createRequire goes back through Jest (and
  // these mocks); the parent class's createRequire is Node's.
  const jestModule = jest.requireActual<typeof Module>('node:module');
  const nodeModule = Object.getPrototypeOf(jestModule) as typeof Module;
  return nodeModule.createRequire(__filename);
}

const ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  db: Database;
  /** The postgresql:// URL (Postgres) or the data folder (PGlite), to open a second client. */
  location: string;
  /** Closes the client and drops the database (Postgres) or deletes the folder (PGlite). */
  dispose(): Promise<void>;
}

export async function openTestDatabase(kind: DatabaseKind, label: string): Promise<TestDatabase> {
  switch (kind) {
    case 'postgres':
      return openPostgresTestDatabase(label);
    case 'pglite':
      return openPgliteTestDatabase(label);
  }
}

async function openPostgresTestDatabase(label: string): Promise<TestDatabase> {
  const name = `sy_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const drop = () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await createDatabase({ databaseUrl: url.toString() }).catch(async (error: unknown) => {
    await drop();
    throw error;
  });
  return {
    db,
    location: url.toString(),
    async dispose() {
      await db.close();
      await drop();
    },
  };
}

async function openPgliteTestDatabase(label: string): Promise<TestDatabase> {
  const { dataDir, remove } = await freshPgliteDir(label);
  const db = await createDatabase({ dataDir }).catch(async (error: unknown) => {
    await remove();
    throw error;
  });
  return {
    db,
    location: dataDir,
    async dispose() {
      await db.close();
      await remove();
    },
  };
}

/** A new temporary PGlite data folder, already initialised (empty), and how to delete it. */
export async function freshPgliteDir(label: string): Promise<{ dataDir: string; remove: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), `switchyard-${label}-`));
  const remove = () => rm(dataDir, { recursive: true, force: true });
  try {
    await cp(await pgliteTemplate(), dataDir, { recursive: true });
  } catch (error) {
    await remove();
    throw error;
  }
  return { dataDir, remove };
}

/**
 * An empty PGlite data folder, initialised once per machine and PGlite version: initdb takes
 * ~7 s, copying the result a few milliseconds. Built aside and renamed into place, so parallel
 * Jest workers never see a half-made template.
 */
async function pgliteTemplate(): Promise<string> {
  const require = nodeRequire();
  const packageJson = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const template = join(tmpdir(), `switchyard-pglite-template-${version}`);
  if (existsSync(template)) return template;
  const building = await mkdtemp(`${template}.building-`);
  const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  const pglite = await PGlite.create(building);
  await pglite.close();
  await rename(building, template).catch(() => rm(building, { recursive: true, force: true }));
  return template;
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
