// The import of the community price file against a real Postgres: the diff it answers, the
// append-only rows and audit entries it writes, and what a dry run and file ownership prevent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigChangeBus } from '@switchyard/queue';
import { applyMigrations } from '../../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../../db/src/test-database.harness';
import { AdminChanges } from '../audit/admin-changes.service';
import { PricesImportService } from './prices-import.service';

const FILE = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'community-prices.json'), 'utf8')) as Record<string, unknown>;
const CTX = { actor: 'admin:test', sourceIp: '127.0.0.1' };

describe(PricesImportService.name, () => {
  let t: TestDatabase;
  let sut: PricesImportService;
  const published: string[] = [];

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'prices_import');
    await applyMigrations(t.db);
    const bus = { publish: async (topic: string) => void published.push(topic) } as unknown as ConfigChangeBus;
    sut = new PricesImportService(new AdminChanges({ db: t.db, bus }));
    const p = t.db.prisma;
    await p.provider.create({ data: { id: 'openai-main', type: 'openai', baseUrl: 'https://api.openai.com/v1' } });
    await p.model.create({ data: { name: 'gpt-4o-mini', deployments: { create: { providerId: 'openai-main', upstreamModel: 'gpt-4o-mini-2024-07-18' } } } });
    await p.model.create({ data: { name: 'reasoner', deployments: { create: { providerId: 'openai-main', upstreamModel: 'o3-mini' } } } });
    await p.price.create({ data: { modelName: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6, effectiveFrom: new Date('2026-01-01T00:00:00Z') } });
  });
  afterAll(() => t?.dispose());

  const prices = (model: string) => t.db.prisma.price.findMany({ where: { modelName: model }, orderBy: { effectiveFrom: 'asc' } });

  it('answers the diff of a dry run and writes nothing', async () => {
    const diff = await sut.import(CTX, FILE, true);

    expect(diff.dryRun).toBe(true);
    expect(diff.changed.map((c) => [c.model, c.source, c.changes.map((x) => `${x.field} ${x.from} → ${x.to}`)])).toEqual([
      ['gpt-4o-mini', 'gpt-4o-mini', ['cachedInputPerMTok null → 0.075', 'batchInputPerMTok null → 0.075', 'batchOutputPerMTok null → 0.3']],
      ['reasoner', 'o3-mini', ['inputPerMTok null → 1.1', 'outputPerMTok null → 4.4', 'reasoningPerMTok null → 4.4']],
    ]);
    expect(diff.skipped.map((s) => s.entry)).toEqual([
      'sample_spec', 'claude-3-5-haiku-20241022', 'azure/o3-mini', 'deepseek/deepseek-chat', 'gemini/gemini-2.0-flash', 'vertex_ai/gemini-2.0-flash', 'text-embedding-3-small', 'broken-model',
    ]);
    expect(diff.skipped.at(-1)?.reason).toContain('input_cost_per_token');
    expect((await prices('gpt-4o-mini')).length).toBe(1);
    expect(await prices('reasoner')).toEqual([]);
    expect(published).toEqual([]);
  });

  it('appends a price row per changed model, audited, keeping the history; the same file again changes nothing', async () => {
    const diff = await sut.import(CTX, FILE, false);

    expect(diff.changed.map((c) => c.model)).toEqual(['gpt-4o-mini', 'reasoner']);
    const mini = await prices('gpt-4o-mini');
    expect(mini.map((p) => [p.inputPerMTok, p.cachedInputPerMTok, p.batchOutputPerMTok].map(String))).toEqual([['0.15', 'null', 'null'], ['0.15', '0.075', '0.3']]);
    expect((await prices('reasoner')).map((p) => String(p.reasoningPerMTok))).toEqual(['4.4']);
    expect(await t.db.prisma.auditLog.count({ where: { entity: 'price', actor: 'admin:test' } })).toBe(2);
    expect(published).toEqual(['catalogue']);

    const again = await sut.import(CTX, FILE, false);
    expect([again.changed, again.unchanged.map((u) => u.model)]).toEqual([[], ['gpt-4o-mini', 'reasoner']]);
    expect((await prices('gpt-4o-mini')).length).toBe(2);
  });

  it('refuses to change a price switchyard.yaml owns, writing nothing, but still previews it', async () => {
    await t.db.prisma.configOwnership.create({ data: { entity: 'price', entityId: 'gpt-4o-mini', source: 'switchyard.yaml' } });
    const cheaper = { ...FILE, 'gpt-4o-mini': { input_cost_per_token: 1e-7, output_cost_per_token: 6e-7, litellm_provider: 'openai' } };

    expect((await sut.import(CTX, cheaper, true)).changed.map((c) => c.model)).toEqual(['gpt-4o-mini']);
    await expect(sut.import(CTX, cheaper, false)).rejects.toMatchObject({ status: 409 });
    expect((await prices('gpt-4o-mini')).length).toBe(2);
  });
});
