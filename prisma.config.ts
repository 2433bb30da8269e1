// Prisma CLI configuration. Prisma 6.19 runs its migrate commands offline only through a driver
// adapter and the bundled Wasm schema engine (`engine: 'js'`); the classic engine is a native
// binary it would try to download.
//
// Migrate commands need DATABASE_URL=postgresql://... Author migrations with `migrate dev` on
// Postgres. PGlite databases (standalone mode) are migrated by the app itself at start
// (applyMigrations in @switchyard/db): the CLI cannot drive PGlite usefully, since it never
// closes the adapter and PGlite's internal timers then keep the command from exiting.
import path from 'node:path';
import { defineConfig } from 'prisma/config';

const databaseUrl = process.env.DATABASE_URL ?? '';
const isPostgres = /^postgres(ql)?:\/\//.test(databaseUrl);
if (!isPostgres) {
  // `prisma generate` needs no database, but the schema's `url = env("DATABASE_URL")` must still
  // parse as a postgresql URL, else the CLI falls back to downloading a native engine.
  process.env.DATABASE_URL = 'postgresql://unset@localhost/unset';
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    if (!isPostgres) {
      throw new Error('DATABASE_URL must be a postgresql:// URL for Prisma migrate commands');
    }
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const url = new URL(databaseUrl);
    // Discrete fields, not a connectionString: with a connection string `migrate dev` uses the
    // real database as its shadow database. A short idle timeout lets each command exit at once
    // instead of waiting ~10 s for pg's idle clients.
    return new PrismaPg({
      host: url.hostname,
      port: url.port ? Number(url.port) : 5432,
      user: decodeURIComponent(url.username) || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      database: decodeURIComponent(url.pathname.slice(1)) || undefined,
      ssl: sslFrom(url),
      idleTimeoutMillis: 200,
    });
  },
});

function sslFrom(url: URL): boolean | { rejectUnauthorized: boolean } | undefined {
  const mode = url.searchParams.get('sslmode');
  if (!mode || mode === 'disable') return undefined;
  return mode === 'no-verify' ? { rejectUnauthorized: false } : true;
}
