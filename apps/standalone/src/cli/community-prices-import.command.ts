import type { AdminApiClient } from './admin-api.client';
import type { CliOutput } from './cli-handlers.types';

/** POST /admin/v1/prices/import's answer (libs/admin/src/prices/price-import.routes.ts). */
interface ImportAnswer {
  dryRun: boolean;
  changed: { model: string; source: string; matchedBy: string; changes: { field: string; from: number | null; to: number | null }[] }[];
  unchanged: { model: string; source: string }[];
  skipped: { entry: string; reason: string }[];
}

/**
 * `switchyard prices import FILE` for the community JSON of model prices (LiteLLM's shape): the
 * gateway matches it to its catalogue and answers the diff, which is printed — a line per
 * changed model, one per field old → new, then the unchanged models and the skipped entries.
 */
export async function runCommunityPricesImport(file: Record<string, unknown>, dryRun: boolean, output: CliOutput, client: AdminApiClient): Promise<number> {
  const answer = await client.post<ImportAnswer>(`/prices/import${dryRun ? '?dryRun=true' : ''}`, file);
  for (const c of answer.changed) {
    output.out(`~ price ${c.model} (from "${c.source}", matched by ${c.matchedBy})\n`);
    for (const f of c.changes) output.out(`    ${f.field}: ${show(f.from)} → ${show(f.to)}\n`);
  }
  for (const u of answer.unchanged) output.out(`= price ${u.model} unchanged (from "${u.source}")\n`);
  for (const s of answer.skipped) output.out(`- skipped "${s.entry}": ${s.reason}\n`);
  const n = answer.changed.length;
  output.out(`${n} price${n === 1 ? '' : 's'} ${answer.dryRun ? 'to add (dry run)' : 'added'}, ${answer.unchanged.length} unchanged, ${answer.skipped.length} entries skipped\n`);
  return 0;
}

/** USD per million tokens; "-" for a rate not set (its fallback applies). */
function show(v: number | null): string {
  return v === null ? '-' : String(v);
}
