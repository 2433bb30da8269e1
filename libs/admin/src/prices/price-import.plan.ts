import { type CommunityEntry, PRICE_FIELDS, type PriceField, type PriceRates } from './community-price-file';

/** A model of the catalogue as the import sees it. */
export interface CatalogueModel {
  name: string;
  /** Its deployments' upstream model ids, in tier order. */
  upstreamModels: string[];
  /** The price in force now (null fields omitted); null when the model has none. */
  current: PriceRates | null;
}

export type MatchedBy = 'model' | 'upstream' | 'unprefixed';

export interface FieldChange {
  field: PriceField;
  from: number | null;
  to: number | null;
}

export interface PlannedPrice {
  model: string;
  /** The community file's key the price comes from. */
  source: string;
  matchedBy: MatchedBy;
  changes: FieldChange[];
  /** The new price row: the current one with the entry's fields over it. */
  next: PriceRates & { inputPerMTok: number; outputPerMTok: number };
}

export interface ImportPlan {
  changed: PlannedPrice[];
  unchanged: { model: string; source: string }[];
  skipped: { entry: string; reason: string }[];
}

/**
 * Maps community entries to catalogue models, most exact first: an entry named like the public
 * model; else one named like a deployment's upstream model; else one whose name after its
 * provider prefix ("azure/gpt-4o" → "gpt-4o") is either, when exactly one such entry exists.
 * Entries no model takes are skipped (listed, not errors).
 */
export function planPriceImport(models: readonly CatalogueModel[], entries: readonly CommunityEntry[]): ImportPlan {
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const used = new Set<string>();
  const plan: ImportPlan = { changed: [], unchanged: [], skipped: [] };
  const skipped = new Map<string, string>();
  /** Model name → the entry it took. */
  const taken = new Map<string, string>();
  for (const m of [...models].sort((a, b) => a.name.localeCompare(b.name))) {
    const found = match(m, byKey, entries);
    if (!found) continue;
    if ('ambiguous' in found) {
      for (const e of found.ambiguous) skipped.set(e.key, `one of ${found.ambiguous.length} entries that match model "${m.name}" after their provider prefix; add an entry named "${m.name}" to choose`);
      continue;
    }
    const { entry, matchedBy } = found;
    const next = { ...m.current, ...entry.rates };
    if (next.inputPerMTok === undefined || next.outputPerMTok === undefined) {
      skipped.set(entry.key, `model "${m.name}" has no price yet, and the entry lacks an input or output cost`);
      continue;
    }
    used.add(entry.key);
    taken.set(m.name, entry.key);
    const changes = PRICE_FIELDS.flatMap((field): FieldChange[] => {
      const from = m.current?.[field] ?? null;
      const to = next[field] ?? null;
      return from === to ? [] : [{ field, from, to }];
    });
    if (changes.length === 0) plan.unchanged.push({ model: m.name, source: entry.key });
    else plan.changed.push({ model: m.name, source: entry.key, matchedBy, changes, next: { ...next, inputPerMTok: next.inputPerMTok, outputPerMTok: next.outputPerMTok } });
  }
  for (const e of entries) {
    if (used.has(e.key)) continue;
    plan.skipped.push({ entry: e.key, reason: skipped.get(e.key) ?? outmatched(e, models, taken) ?? 'no catalogue model or deployment of this name' });
  }
  return plan;
}

/** Why an entry that would match a model is skipped: the model took a more exact entry ("azure/o3-mini" when "o3-mini" is there). */
function outmatched(e: CommunityEntry, models: readonly CatalogueModel[], taken: ReadonlyMap<string, string>): string | undefined {
  const slash = e.key.indexOf('/');
  const bare = slash < 0 ? undefined : e.key.slice(slash + 1);
  for (const m of models) {
    const other = taken.get(m.name);
    if (other === undefined) continue;
    const names = [m.name, ...m.upstreamModels];
    if (names.includes(e.key) || (bare !== undefined && names.includes(bare))) return `model "${m.name}" takes the entry "${other}", which names it more exactly`;
  }
  return undefined;
}

type Match = { entry: CommunityEntry; matchedBy: MatchedBy } | { ambiguous: CommunityEntry[] };

function match(m: CatalogueModel, byKey: ReadonlyMap<string, CommunityEntry>, entries: readonly CommunityEntry[]): Match | undefined {
  const own = byKey.get(m.name);
  if (own) return { entry: own, matchedBy: 'model' };
  for (const upstream of m.upstreamModels) {
    const e = byKey.get(upstream);
    if (e) return { entry: e, matchedBy: 'upstream' };
  }
  const names = new Set([m.name, ...m.upstreamModels]);
  const prefixed = entries.filter((e) => e.key.includes('/') && names.has(e.key.slice(e.key.indexOf('/') + 1)));
  if (prefixed.length === 1) return { entry: prefixed[0] as CommunityEntry, matchedBy: 'unprefixed' };
  return prefixed.length > 1 ? { ambiguous: prefixed } : undefined;
}
