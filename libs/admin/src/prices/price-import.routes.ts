import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { PRICE_FIELDS } from './community-price-file';

export const importPricesQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).optional().describe('`true`: answer the diff and write nothing.'),
});

// The community file itself: keys are model names, values their costs per token (and more, ignored).
export const importPricesBody = z
  .record(z.string().min(1).max(300), z.unknown())
  .refine((file) => Object.keys(file).length <= 20_000, { error: 'more than 20000 entries: not a price file' })
  .describe("The community JSON of model prices (the shape of LiteLLM's model_prices_and_context_window.json).");

const fieldChange = z.object({ field: z.enum(PRICE_FIELDS), from: z.number().nullable(), to: z.number().nullable() });

export const importPricesView = z.object({
  dryRun: z.boolean(),
  changed: z
    .array(
      z.object({
        model: z.string(),
        source: z.string().describe("The file's entry the price comes from."),
        matchedBy: z.enum(['model', 'upstream', 'unprefixed']).describe("The entry is named like the public model, like a deployment's upstream model, or like either after its provider prefix."),
        changes: z.array(fieldChange).describe('USD per million tokens, old → new; null = not set (the fallback rate applies).'),
      }),
    )
    .describe('A new price row each (append-only, effective now), unless dryRun.'),
  unchanged: z.array(z.object({ model: z.string(), source: z.string() })),
  skipped: z.array(z.object({ entry: z.string(), reason: z.string() })).describe('Entries for models the catalogue does not have (or that cannot be used), in file order.'),
});
export type ImportPricesView = z.output<typeof importPricesView>;

export const importPrices = adminRoute({
  method: 'POST',
  path: '/prices/import',
  operationId: 'importPrices',
  summary: 'Import prices from the community JSON of model prices, answering the diff',
  description:
    "What `switchyard prices import FILE` sends for a file of that shape. Entries are matched to the catalogue's models by name: the public model name first, then a deployment's upstream model, then either after the entry's provider prefix (`azure/gpt-4o`) when only one entry matches so. Per-token costs become USD per million tokens. A model whose price changes gets a new price row effective now; fields the entry lacks keep their current values. Prices declared in switchyard.yaml under configOwnership: file are refused (409) unless dryRun.",
  tag: 'prices',
  query: importPricesQuery,
  body: importPricesBody,
  status: 200,
  response: importPricesView,
});
