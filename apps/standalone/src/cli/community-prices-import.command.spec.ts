import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdminApiClient } from './admin-api.client';
import { runPricesImport } from './prices-import.command';

// `switchyard prices import` with a file in the community shape (LiteLLM's): sent whole to the
// gateway's POST /admin/v1/prices/import, whose diff is printed.

const COMMUNITY = {
  'gpt-4o-mini': { input_cost_per_token: 1.5e-7, output_cost_per_token: 6e-7, cache_read_input_token_cost: 7.5e-8, litellm_provider: 'openai', mode: 'chat' },
  'unknown-model': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, litellm_provider: 'openai', mode: 'chat' },
};
const ANSWER = {
  changed: [{ model: 'gpt-4o-mini', source: 'gpt-4o-mini', matchedBy: 'model', changes: [{ field: 'cachedInputPerMTok', from: null, to: 0.075 }, { field: 'inputPerMTok', from: 0.2, to: 0.15 }] }],
  unchanged: [],
  skipped: [{ entry: 'unknown-model', reason: 'no catalogue model or deployment of this name' }],
};

function run(file: string, dryRun: boolean) {
  const calls: { path: string; body: unknown }[] = [];
  const client = {
    post: async (path: string, body: unknown) => {
      calls.push({ path, body });
      return { dryRun, ...ANSWER };
    },
    get: () => Promise.reject(new Error('the community import reads nothing itself')),
  } as unknown as AdminApiClient;
  let out = '';
  const output = { out: (s: string) => void (out += s), err: (s: string) => void (out += s) };
  return runPricesImport({ file, dryRun, admin: { url: 'http://127.0.0.1:1', token: 'unused-token' } }, output, client).then((code) => ({ code, out, calls }));
}

describe('switchyard prices import with the community JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-prices-'));
  const file = join(dir, 'model_prices_and_context_window.json');
  writeFileSync(file, JSON.stringify(COMMUNITY));

  it('sends the file to the import endpoint as a dry run and prints the diff, old → new per field', async () => {
    const { code, out, calls } = await run(file, true);

    expect(code).toBe(0);
    expect(calls).toEqual([{ path: '/prices/import?dryRun=true', body: COMMUNITY }]);
    expect(out.split('\n')).toEqual([
      '~ price gpt-4o-mini (from "gpt-4o-mini", matched by model)',
      '    cachedInputPerMTok: - → 0.075',
      '    inputPerMTok: 0.2 → 0.15',
      '- skipped "unknown-model": no catalogue model or deployment of this name',
      '1 price to add (dry run), 0 unchanged, 1 entries skipped',
      '',
    ]);
  });

  it('imports for real without --dry-run', async () => {
    const { calls, out } = await run(file, false);

    expect(calls.map((c) => c.path)).toEqual(['/prices/import']);
    expect(out).toContain('1 price added, 0 unchanged, 1 entries skipped');
  });
});
