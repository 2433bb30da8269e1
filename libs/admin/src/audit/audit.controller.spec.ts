// The audit log's tenant filter against a real Postgres: the rows about a tenant, whichever way
// the change reached the database.
import { Logger } from '@nestjs/common';
import { applyMigrations } from '../../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../../db/src/test-database.harness';
import { AuditController } from './audit.controller';

describe(AuditController.name, () => {
  let t: TestDatabase;
  let sut: AuditController;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    t = await openTestDatabase('postgres', 'audit_filter');
    await applyMigrations(t.db);
    sut = new AuditController({ db: t.db });
    const row = (entity: string, entityId: string, after: object | null, before: object | null = null) => ({ actor: 'test', action: 'create', entity, entityId, after: after ?? undefined, before: before ?? undefined });
    await t.db.prisma.auditLog.createMany({
      data: [
        row('tenant', 'acme', { name: 'Acme' }),
        // A key created through the admin API names its tenant tenantId; one applied from switchyard.yaml, tenant.
        row('key', 'k-api', { tenantId: 'acme', name: 'ci' }),
        row('key', 'k-file', { tenant: 'acme', name: 'prod' }),
        row('key', 'k-gone', null, { tenant: 'acme', name: 'old' }),
        row('key', 'k-other', { tenant: 'globex', name: 'prod' }),
      ],
    });
  });
  afterAll(() => t?.dispose());

  it("finds a tenant's rows whether the admin API or the file wrote them, and no other tenant's", async () => {
    const { rows } = await sut.list({ query: { tenant: 'acme', limit: 100 } } as never);

    expect(rows.map((r) => r.entityId).sort()).toEqual(['acme', 'k-api', 'k-file', 'k-gone']);
  });
});
