import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Database } from './database';
import { DbModule } from './db.module';
import { freshPgliteDir } from './test-database.harness';

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
});
