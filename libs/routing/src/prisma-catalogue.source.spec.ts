import { Logger } from '@nestjs/common';
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
    // Written by a newer release during a rolling upgrade: a type this router does not know.
    await p.provider.create({ data: { id: 'future', type: 'cohere', baseUrl: 'https://api.cohere.com/v2' } });
    await p.model.create({ data: { name: 'm', deployments: { create: [{ providerId: 'sim', upstreamModel: 'u' }, { providerId: 'future', upstreamModel: 'command' }] } } });
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

  it("compares a deployment at its declared upstream cost (cost, or price, its older name)", async () => {
    const p = t.db.prisma;
    await p.model.create({ data: { name: 'costed', deployments: { create: [{ providerId: 'sim', upstreamModel: 'a', options: { cost: { inputPerMTok: 0.5, outputPerMTok: 1.5 } } }, { providerId: 'sim', upstreamModel: 'b', options: { price: { inputPerMTok: 0.7, outputPerMTok: 2.1 } } }] } } });

    const snapshot = await new PrismaCatalogueSource(t.db).load();

    expect(snapshot.models.get('costed')?.tiers.flat().map((d) => [d.upstreamModel, d.price])).toEqual([['a', { inputPerMTok: 0.5, outputPerMTok: 1.5 }], ['b', { inputPerMTok: 0.7, outputPerMTok: 2.1 }]]);
  });

  it('leaves out a provider of an unknown type with its deployments, and says so once', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const source = new PrismaCatalogueSource(t.db);

    const snapshot = await source.load();
    await source.load();

    expect(snapshot.models.get('m')?.tiers.flat().map((d) => d.provider.id)).toEqual(['sim']);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('provider future has type "cohere"'));
    warn.mockRestore();
  });

  it("carries the provider's passthrough policy to the adapter's target", async () => {
    const snapshot = await new PrismaCatalogueSource(t.db).load();
    expect(snapshot.models.get('m')?.tiers[0]?.[0]?.provider.passthroughJson).toBe('{"allow":["service_tier"]}');
  });
});
