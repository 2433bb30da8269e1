// The community price file: the shape of LiteLLM's model_prices_and_context_window.json (keys
// are model names, sometimes prefixed with a provider, "azure/gpt-4o"; values hold per-token USD
// costs and context sizes). Only the cost fields are read; the rest (max_input_tokens, mode,
// supports_*, …) is ignored. `sample_spec` is the file's own documentation entry, not a model.

/** Our price fields, USD per million tokens, as switchyard.yaml's `price` names them. */
export const PRICE_FIELDS = ['inputPerMTok', 'outputPerMTok', 'cachedInputPerMTok', 'cacheWritePerMTok', 'reasoningPerMTok', 'batchInputPerMTok', 'batchOutputPerMTok'] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];
export type PriceRates = Partial<Record<PriceField, number>>;

/** The community file's per-token field for each of ours. */
const SOURCE_FIELDS: Record<PriceField, string> = {
  inputPerMTok: 'input_cost_per_token',
  outputPerMTok: 'output_cost_per_token',
  cachedInputPerMTok: 'cache_read_input_token_cost',
  cacheWritePerMTok: 'cache_creation_input_token_cost',
  reasoningPerMTok: 'output_cost_per_reasoning_token',
  batchInputPerMTok: 'input_cost_per_token_batches',
  batchOutputPerMTok: 'output_cost_per_token_batches',
};

export interface CommunityEntry {
  /** The file's key: a model name, maybe "provider/model". */
  key: string;
  /** `litellm_provider`, when given. */
  provider?: string;
  rates: PriceRates;
}

export interface CommunityEntryProblem {
  key: string;
  reason: string;
}

/**
 * True for an object whose entries look like the community file's (a cost or provider field
 * on some entry), as opposed to our own `{"prices": [...]}` or a bare list.
 */
export function isCommunityPriceFile(value: unknown): value is Record<string, unknown> {
  if (!isObject(value) || 'prices' in value) return false;
  return Object.values(value).some((v) => isObject(v) && ('litellm_provider' in v || 'input_cost_per_token' in v || 'output_cost_per_token' in v));
}

const SAMPLE_SPEC = 'sample_spec';

/** Reads every entry; one with a malformed cost, and the sample spec, are reported, never the reason to refuse the file. */
export function readCommunityPriceFile(file: Record<string, unknown>): { entries: CommunityEntry[]; problems: CommunityEntryProblem[] } {
  const entries: CommunityEntry[] = [];
  const problems: CommunityEntryProblem[] = [];
  for (const [key, value] of Object.entries(file)) {
    if (key === SAMPLE_SPEC) {
      // Listed with the skipped entries like any other entry the import does not take.
      problems.push({ key, reason: "the file's documentation entry (LiteLLM's sample_spec), not a model" });
      continue;
    }
    if (!isObject(value)) {
      problems.push({ key, reason: 'not an object' });
      continue;
    }
    const rates: PriceRates = {};
    const bad: string[] = [];
    for (const field of PRICE_FIELDS) {
      const raw = value[SOURCE_FIELDS[field]];
      if (raw === undefined || raw === null) continue;
      if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0 || raw > 1) bad.push(`${SOURCE_FIELDS[field]}: expected a cost per token between 0 and 1, got ${JSON.stringify(raw)}`);
      else rates[field] = perMillion(raw);
    }
    if (bad.length > 0) problems.push({ key, reason: bad.join('; ') });
    else entries.push({ key, rates, ...(typeof value['litellm_provider'] === 'string' && { provider: value['litellm_provider'] }) });
  }
  return { entries, problems };
}

/**
 * USD per token → USD per million tokens at the price columns' six decimals: 1.5e-7 × 1e6 is
 * 0.15000000000000002 in binary floating point; rounding in micro-dollars gives 0.15.
 */
export function perMillion(perToken: number): number {
  return Math.round(perToken * 1e12) / 1e6;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
