import { applyMigrations } from '../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../db/src/test-database.harness';
import { PrismaCatalogueSource } from './prisma-catalogue.source';

describe(PrismaCatalogueSource.name, () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'catalogue');
    await applyMigrations(t.db);
    const p = t.db.prisma;
    await p.provider.create({ data: { id: 'sim', type: 'openai', baseUrl: 'http://sim/v1', passthrough: { allow: ['service_tier'] } } });
    await p.model.create({ data: { name: 'm', deployments: { create: [{ providerId: 'sim', upstreamModel: 'u' }] } } });
    await p.price.create({ data: { modelName: 'm', inputPerMTok: '1', outputPerMTok: '2', effectiveFrom: new Date(Date.now() - 60_000) } });
    // Scheduled for later (the admin API allows it): not in force yet.
    await p.price.create({ data: { modelName: 'm', inputPerMTok: '9', outputPerMTok: '9', effectiveFrom: new Date(Date.now() + 86_400_000) } });
  });

  afterAll(() => t.dispose());

  it('prices deployments at the price in force now, not one scheduled for later', async () => {
    const snapshot = await new PrismaCatalogueSource(t.db).load();
    const d = snapshot.models.get('m')?.tiers[0]?.[0];
    expect(d?.price).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
  });

  it("carries the provider's passthrough policy to the adapter's target", async () => {
    const snapshot = await new PrismaCatalogueSource(t.db).load();
    expect(snapshot.models.get('m')?.tiers[0]?.[0]?.provider.passthroughJson).toBe('{"allow":["service_tier"]}');
  });
});
