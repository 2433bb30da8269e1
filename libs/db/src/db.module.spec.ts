import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Database } from './database';
import { DbModule, READ_DATABASE } from './db.module';
import { freshPgliteDir, openTestDatabase } from './test-database.harness';

@Injectable()
class TenantCounter {
  constructor(@Inject(Database) private readonly db: Database) {}

  count(): Promise<number> {
    return this.db.prisma.tenant.count();
  }
}

describe(DbModule.name, () => {
  let pglite: Awaited<ReturnType<typeof freshPgliteDir>>;

  beforeAll(async () => {
    pglite = await freshPgliteDir('dbmodule');
  });
  afterAll(() => pglite?.remove());

  it('provides a migrated Database to the whole app, and closes it on shutdown', async () => {
    @Module({ providers: [TenantCounter] })
    class FeatureModule {}
    @Module({ imports: [DbModule.forRoot({ dataDir: pglite.dataDir, migrate: true }), FeatureModule] })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const db = app.get(Database);
    expect(db.kind).toBe('pglite');
    expect(await app.get(TenantCounter).count()).toBe(0);
    const close = jest.spyOn(db, 'close');
    await app.close();
    expect(close).toHaveBeenCalled();
    await expect(db.withSession((s) => s.query('SELECT 1'))).rejects.toThrow();
  });

  it('reads from DATABASE_READ_URL and writes to the primary: the replica here refuses every write', async () => {
    const primary = await openTestDatabase('postgres', 'dbmodule_replica');
    // The "replica" is the same database through a second URL whose sessions are read-only and
    // named, so the test sees which pool a query used.
    const readUrl = new URL(primary.location);
    readUrl.searchParams.set('application_name', 'sy-replica-spec');
    readUrl.searchParams.set('options', '-c default_transaction_read_only=on');
    @Module({ imports: [DbModule.forRoot({ databaseUrl: primary.location, readUrl: readUrl.toString(), migrate: true })] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    try {
      const db = app.get(Database);
      const read = app.get<Database>(READ_DATABASE);
      expect(read).not.toBe(db);
      await db.prisma.tenant.create({ data: { id: 'acme' } });
      expect(await read.prisma.tenant.findMany({ select: { id: true } })).toEqual([{ id: 'acme' }]);
      const [session] = await read.withSession((s) => s.query<{ name: string }>("SELECT current_setting('application_name') AS name"));
      expect(session?.name).toBe('sy-replica-spec');
      await expect(read.prisma.tenant.create({ data: { id: 'other' } })).rejects.toThrow(/read-only transaction/);
      const close = jest.spyOn(read, 'close');
      await app.close();
      expect(close).toHaveBeenCalled();
    } finally {
      await app.close();
      await primary.dispose();
    }
  });

  it('without a read URL the reads share the primary', async () => {
    @Module({ imports: [DbModule.forRoot({ dataDir: pglite.dataDir, migrate: true })] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    expect(app.get(READ_DATABASE)).toBe(app.get(Database));
    await app.close();
  });
});
