import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCommunityPriceFile, perMillion, readCommunityPriceFile } from './community-price-file';
import { type CatalogueModel, planPriceImport } from './price-import.plan';

// A small file shaped like LiteLLM's model_prices_and_context_window.json (written for these tests).
const FILE = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'community-prices.json'), 'utf8')) as unknown;

const CATALOGUE: CatalogueModel[] = [
  { name: 'gpt-4o-mini', upstreamModels: ['gpt-4o-mini-2024-07-18'], current: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
  { name: 'claude-haiku', upstreamModels: ['claude-3-5-haiku-20241022'], current: { inputPerMTok: 0.8, outputPerMTok: 4, cachedInputPerMTok: 0.08 } },
  { name: 'reasoner', upstreamModels: ['o3-mini', 'o3-mini-azure'], current: null },
  { name: 'chat', upstreamModels: ['deepseek-chat'], current: { inputPerMTok: 0.27, outputPerMTok: 1.1, cachedInputPerMTok: 0.07 } },
  { name: 'flash', upstreamModels: ['gemini-2.0-flash'], current: null },
];

describe('the community price file', () => {
  it('is told apart from our own price files', () => {
    expect(isCommunityPriceFile(FILE)).toBe(true);
    expect(isCommunityPriceFile({ prices: [{ model: 'm', inputPerMTok: 1, outputPerMTok: 1 }] })).toBe(false);
    expect(isCommunityPriceFile([{ model: 'm', inputPerMTok: 1, outputPerMTok: 1 }])).toBe(false);
  });

  it('converts per-token costs to USD per million tokens without float residue', () => {
    expect([perMillion(1.5e-7), perMillion(7.5e-8), perMillion(1.1e-6), perMillion(4.84e-6)]).toEqual([0.15, 0.075, 1.1, 4.84]);
  });

  it('reads every entry but the sample spec, and reports a malformed cost instead of failing', () => {
    const { entries, problems } = readCommunityPriceFile(FILE as Record<string, unknown>);

    expect(entries.map((e) => e.key)).not.toContain('sample_spec');
    expect(entries.find((e) => e.key === 'o3-mini')).toEqual({ key: 'o3-mini', provider: 'openai', rates: { inputPerMTok: 1.1, outputPerMTok: 4.4, reasoningPerMTok: 4.4 } });
    expect(problems).toEqual([
      { key: 'sample_spec', reason: "the file's documentation entry (LiteLLM's sample_spec), not a model" },
      { key: 'broken-model', reason: 'input_cost_per_token: expected a cost per token between 0 and 1, got "free"' },
    ]);
  });
});

describe(planPriceImport.name, () => {
  it('lists an entry that lacks a cost the model has no price for as skipped, with that reason', () => {
    const bare = planPriceImport([{ name: 'new', upstreamModels: [], current: null }], [{ key: 'new', rates: { inputPerMTok: 1 } }]);
    expect(bare.skipped).toEqual([{ entry: 'new', reason: 'model "new" has no price yet, and the entry lacks an input or output cost' }]);
    expect(bare.changed).toEqual([]);
  });


  const plan = planPriceImport(CATALOGUE, readCommunityPriceFile(FILE as Record<string, unknown>).entries);

  it('matches by public name, then upstream model, then either after a provider prefix, and diffs field by field', () => {
    expect(plan.changed.map(({ model, source, matchedBy, changes }) => ({ model, source, matchedBy, changes }))).toEqual([
      { model: 'claude-haiku', source: 'claude-3-5-haiku-20241022', matchedBy: 'upstream', changes: [{ field: 'cacheWritePerMTok', from: null, to: 1 }] },
      {
        model: 'gpt-4o-mini',
        source: 'gpt-4o-mini',
        matchedBy: 'model',
        changes: [
          { field: 'cachedInputPerMTok', from: null, to: 0.075 },
          { field: 'batchInputPerMTok', from: null, to: 0.075 },
          { field: 'batchOutputPerMTok', from: null, to: 0.3 },
        ],
      },
      {
        model: 'reasoner',
        source: 'o3-mini',
        matchedBy: 'upstream',
        changes: [
          { field: 'inputPerMTok', from: null, to: 1.1 },
          { field: 'outputPerMTok', from: null, to: 4.4 },
          { field: 'reasoningPerMTok', from: null, to: 4.4 },
        ],
      },
    ]);
    expect(plan.unchanged).toEqual([{ model: 'chat', source: 'deepseek/deepseek-chat' }]);
  });

  it('keeps the fields an entry lacks at their current values', () => {
    expect(plan.changed.find((p) => p.model === 'claude-haiku')?.next).toEqual({ inputPerMTok: 0.8, outputPerMTok: 4, cachedInputPerMTok: 0.08, cacheWritePerMTok: 1 });
  });

  it('lists entries for unknown models, prefixed entries that tie, and those a more exact entry outmatched, as skipped', () => {
    expect(plan.skipped).toEqual([
      { entry: 'azure/o3-mini', reason: 'model "reasoner" takes the entry "o3-mini", which names it more exactly' },
      { entry: 'gemini/gemini-2.0-flash', reason: 'one of 2 entries that match model "flash" after their provider prefix; add an entry named "flash" to choose' },
      { entry: 'vertex_ai/gemini-2.0-flash', reason: 'one of 2 entries that match model "flash" after their provider prefix; add an entry named "flash" to choose' },
      { entry: 'text-embedding-3-small', reason: 'no catalogue model or deployment of this name' },
    ]);
  });
});
