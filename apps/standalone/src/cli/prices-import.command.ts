import { readFile } from 'node:fs/promises';
import type { AdminApiClient } from './admin-api.client';
import { AdminApiError } from './admin-api.client';
import type { CliOutput, PricesImportOptions } from './cli-handlers.types';
import { adminClient } from './keys.command';
import { isCommunityPriceFile } from '@switchyard/admin';
import { runCommunityPricesImport } from './community-prices-import.command';
import { type PriceRow, parsePriceFile } from './price-file.parser';

/** The admin API's current price of a model (libs/admin/src/models/model.routes.ts, modelView.price). */
type CurrentPrice = Record<(typeof OPTIONAL_FIELDS)[number], number | null> & { inputPerMTok: number; outputPerMTok: number };

const OPTIONAL_FIELDS = ['cachedInputPerMTok', 'cacheWritePerMTok', 'reasoningPerMTok', 'batchInputPerMTok', 'batchOutputPerMTok'] as const;
const LABELS: Record<(typeof OPTIONAL_FIELDS)[number], string> = {
  cachedInputPerMTok: 'cached input',
  cacheWritePerMTok: 'cache write',
  reasoningPerMTok: 'reasoning',
  batchInputPerMTok: 'batch input',
  batchOutputPerMTok: 'batch output',
};

/**
 * `switchyard prices import FILE`: adds the file's prices to the catalogue through the admin
 * API (`POST /models/{model}/prices`, the same append-only rows switchyard.yaml's `price`
 * writes). The whole file is checked first — its shape, then that every model exists — so a
 * mistake adds nothing. A row equal to the model's current price and without an effectiveFrom
 * is skipped, so importing the same file twice adds nothing the second time.
 */
export async function runPricesImport(options: PricesImportOptions, output: CliOutput, client: AdminApiClient = adminClient(options.admin)): Promise<number> {
  const text = await readFile(options.file, 'utf8');
  // The community JSON (LiteLLM's shape) is matched to the catalogue by the gateway, which knows it.
  const community = communityFile(text, options.file);
  if (community) return runCommunityPricesImport(community, options.dryRun, output, client);
  const rows = parsePriceFile(text, options.file);
  const current = new Map<string, CurrentPrice | null>();
  const unknown: string[] = [];
  for (const model of new Set(rows.map((row) => row.model))) {
    try {
      current.set(model, (await client.get<{ price: CurrentPrice | null }>(modelPath(model))).price);
    } catch (error) {
      if (!(error instanceof AdminApiError && error.status === 404)) throw error;
      unknown.push(`${options.file}: unknown model "${model}" (declare it in switchyard.yaml or through the admin API first)`);
    }
  }
  if (unknown.length > 0) {
    for (const line of unknown) output.err(`${line}\n`);
    return 1;
  }
  let added = 0;
  for (const row of rows) {
    if (row.effectiveFrom === undefined && samePrice(current.get(row.model), row)) {
      output.out(`= price ${row.model} unchanged\n`);
      continue;
    }
    const { model, ...price } = row;
    if (!options.dryRun) await client.post(`${modelPath(model)}/prices`, price);
    added += 1;
    output.out(`+ price ${row.model}: ${describePrice(row)}\n`);
  }
  output.out(`${added} price${added === 1 ? '' : 's'} ${options.dryRun ? 'to add (dry run)' : 'added'}, ${rows.length - added} unchanged\n`);
  return 0;
}

const modelPath = (model: string) => `/models/${encodeURIComponent(model)}`;

function samePrice(current: CurrentPrice | null | undefined, row: PriceRow): boolean {
  if (!current) return false;
  return current.inputPerMTok === row.inputPerMTok && current.outputPerMTok === row.outputPerMTok && OPTIONAL_FIELDS.every((f) => (current[f] ?? null) === (row[f] ?? null));
}

function describePrice(row: PriceRow): string {
  const parts = [`input ${row.inputPerMTok}`, `output ${row.outputPerMTok}`];
  for (const f of OPTIONAL_FIELDS) if (row[f] !== undefined) parts.push(`${LABELS[f]} ${row[f]}`);
  return `${parts.join(', ')} USD/Mtok, effective ${row.effectiveFrom ?? 'now'}`;
}

/** The file as the community JSON when it is one (a .json whose entries carry per-token costs). */
function communityFile(text: string, file: string): Record<string, unknown> | undefined {
  if (file.toLowerCase().endsWith('.csv')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isCommunityPriceFile(value) ? value : undefined;
  } catch {
    // Not JSON: parsePriceFile says so, with the parser's message.
    return undefined;
  }
}
