import { ConfigError } from '@switchyard/config';
import { z } from 'zod';

// The documented price file of `switchyard prices import` (docs/architecture.md §4, "Price
// files"), in the vocabulary of switchyard.yaml's `price` and the admin API's price rows:
//   JSON: {"prices": [{"model": "gpt-4o-mini", "inputPerMTok": 0.15, "outputPerMTok": 0.6}, ...]}
//         (or the bare list)
//   CSV:  a header row naming the same fields, in any order; an empty cell is an absent field.
// model, inputPerMTok and outputPerMTok are required; cachedInputPerMTok, cacheWritePerMTok,
// reasoningPerMTok, batchInputPerMTok, batchOutputPerMTok and effectiveFrom (ISO 8601 with a time
// zone; default: now) are optional. USD per million tokens. The community JSON of model prices
// (LiteLLM's shape) is the other accepted file; prices-import.command.ts tells them apart.

const money = z.number().min(0).max(1_000_000);
export const priceRowSchema = z.strictObject({
  model: z.string().regex(/^\S+$/, { error: 'expected a model name without spaces' }),
  inputPerMTok: money,
  outputPerMTok: money,
  cachedInputPerMTok: money.optional(),
  cacheWritePerMTok: money.optional(),
  reasoningPerMTok: money.optional(),
  batchInputPerMTok: money.optional(),
  batchOutputPerMTok: money.optional(),
  effectiveFrom: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with a time zone, such as 2027-01-01T00:00:00Z' }).optional(),
});
export type PriceRow = z.output<typeof priceRowSchema>;

const FIELDS = Object.keys(priceRowSchema.shape) as (keyof PriceRow)[];
const NUMERIC = new Set<string>(['inputPerMTok', 'outputPerMTok', 'cachedInputPerMTok', 'cacheWritePerMTok', 'reasoningPerMTok', 'batchInputPerMTok', 'batchOutputPerMTok']);
/** More rows than any catalogue has; a bigger file is a mistake (or not a price file). */
const MAX_ROWS = 10_000;

/** Parses a price file by its extension (.csv, else JSON); every problem is reported at once. */
export function parsePriceFile(text: string, file: string): PriceRow[] {
  return file.toLowerCase().endsWith('.csv') ? parseCsv(text, file) : parseJson(text, file);
}

function parseJson(text: string, file: string): PriceRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${file}: not JSON (${error instanceof Error ? error.message : String(error)}); CSV files end in .csv`]);
  }
  const rows = Array.isArray(value) ? value : typeof value === 'object' && value !== null && 'prices' in value ? (value as { prices: unknown }).prices : undefined;
  if (!Array.isArray(rows)) throw new ConfigError([`${file}: expected {"prices": [...]} or a list of prices`]);
  return validateRows(rows, file, (i, field) => `${file}: prices[${i}]${field ? `.${field}` : ''}`);
}

function parseCsv(text: string, file: string): PriceRow[] {
  const lines = text.split(/\r?\n/).map((line, i) => ({ line: line.trim(), number: i + 1 })).filter(({ line }) => line !== '');
  const header = lines.shift();
  if (!header) throw new ConfigError([`${file}: empty; expected a header row such as model,inputPerMTok,outputPerMTok`]);
  const columns = header.line.split(',').map((c) => c.trim());
  const problems = columns.flatMap((c) => (FIELDS.includes(c as keyof PriceRow) ? [] : [`${file}:${header.number}: unknown column "${c}" (expected ${FIELDS.join(', ')})`]));
  if (problems.length > 0) throw new ConfigError(problems);
  const rows = lines.map(({ line, number }) => {
    // Quoted cells are not taken: no field of a price row needs a comma or a quote.
    if (line.includes('"')) problems.push(`${file}:${number}: quoted cells are not supported`);
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== columns.length) problems.push(`${file}:${number}: ${cells.length} cells, but the header names ${columns.length}`);
    return Object.fromEntries(columns.flatMap((c, i) => (cells[i] === undefined || cells[i] === '' ? [] : [[c, NUMERIC.has(c) ? Number(cells[i]) : cells[i]]])));
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return validateRows(rows, file, (i, field) => `${file}:${lines[i]?.number ?? '?'}${field ? `: ${field}` : ''}`);
}

/** `locate(row, field)` names a place: `prices.json: prices[2].model` or `prices.csv:3: model`. */
function validateRows(rows: unknown[], file: string, locate: (index: number, field: string) => string): PriceRow[] {
  if (rows.length === 0) throw new ConfigError([`${file}: no prices`]);
  if (rows.length > MAX_ROWS) throw new ConfigError([`${file}: ${rows.length} prices; at most ${MAX_ROWS} per file`]);
  const problems: string[] = [];
  const parsed = rows.flatMap((row, i) => {
    const result = priceRowSchema.safeParse(row);
    if (result.success) return [result.data];
    for (const issue of result.error.issues) problems.push(`${locate(i, issue.path.join('.'))}: ${issue.message}`);
    return [];
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed;
}
