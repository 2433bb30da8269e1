import { readFile } from 'node:fs/promises';
import type { AdminApiClient } from './admin-api.client';
import { AdminApiError } from './admin-api.client';
import type { CliOutput, PricesImportOptions } from './cli-handlers.types';
import { adminClient } from './keys.command';
import { type PriceRow, parsePriceFile } from './price-file.parser';

/** The admin API's current price of a model (libs/admin/src/models/model.routes.ts, modelView.price). */
interface CurrentPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number | null;
  cacheWritePerMTok: number | null;
}

/**
 * `switchyard prices import FILE`: adds the file's prices to the catalogue through the admin
 * API (`POST /models/{model}/prices`, the same append-only rows switchyard.yaml's `price`
 * writes). The whole file is checked first — its shape, then that every model exists — so a
 * mistake adds nothing. A row equal to the model's current price and without an effectiveFrom
 * is skipped, so importing the same file twice adds nothing the second time.
 */
export async function runPricesImport(options: PricesImportOptions, output: CliOutput, client: AdminApiClient = adminClient(options.admin)): Promise<number> {
  const rows = parsePriceFile(await readFile(options.file, 'utf8'), options.file);
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
  return (
    current.inputPerMTok === row.inputPerMTok &&
    current.outputPerMTok === row.outputPerMTok &&
    current.cachedInputPerMTok === (row.cachedInputPerMTok ?? null) &&
    current.cacheWritePerMTok === (row.cacheWritePerMTok ?? null)
  );
}

function describePrice(row: PriceRow): string {
  const parts = [`input ${row.inputPerMTok}`, `output ${row.outputPerMTok}`];
  if (row.cachedInputPerMTok !== undefined) parts.push(`cached input ${row.cachedInputPerMTok}`);
  if (row.cacheWritePerMTok !== undefined) parts.push(`cache write ${row.cacheWritePerMTok}`);
  return `${parts.join(', ')} USD/Mtok, effective ${row.effectiveFrom ?? 'now'}`;
}
