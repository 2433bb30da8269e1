import { ROLLUP_DIMENSIONS, ROLLUP_GRANULARITIES, type RollupDimension } from '@switchyard/db';
import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { ABSENT_FOR_TENANT_ADMINS, OPERATOR_COST_FIELDS, dateTime, day, slugId } from '../schemas/common.schemas';

/** A day (its UTC midnight) or an ISO date-time. */
const instant = z
  .union([day, dateTime], { error: 'expected a day as YYYY-MM-DD or an ISO 8601 date-time with a time zone' })
  // 2026-02-30 matches the pattern but is no date (JavaScript would roll it over to March 2).
  .refine((v) => v.length !== 10 || (!Number.isNaN(Date.parse(v)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)), { error: 'expected a real calendar day' })
  .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v))
  // Years before 1000 Postgres may refuse.
  .refine((d) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1000 && d.getUTCFullYear() <= 9999, { error: 'expected a date between the years 1000 and 9999' });
const text = z.string().max(200);
const groupBy = z
  .string()
  .transform((v, ctx) => {
    const names = v.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !(ROLLUP_DIMENSIONS as readonly string[]).includes(n));
    if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown dimension ${unknown.join(', ')}: expected a comma-separated list of ${ROLLUP_DIMENSIONS.join(', ')}` });
    return names as RollupDimension[];
  });

export const rollupsQuery = z
  .strictObject({
    granularity: z.enum(ROLLUP_GRANULARITIES).default('day').describe('Bucket size: `hour`, `day` or `month` (UTC).'),
    from: instant.optional().describe('Buckets starting at or after this day or date-time.'),
    to: instant.optional().describe('Buckets starting before this day or date-time (exclusive).'),
    tenant: slugId.optional().describe('Only this tenant.'),
    key: text.optional().describe('Only this key id.'),
    model: text.optional().describe('Only this public model name.'),
    provider: text.optional().describe("Only this provider id ('' = requests that reached none)."),
    region: text.optional().describe("Only this region ('' = no region)."),
    groupBy: groupBy.optional().describe(`Dimensions to keep, comma-separated (${ROLLUP_DIMENSIONS.join(', ')}); the others are summed over. Default: all.`),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000).describe('Rows per page.'),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0).describe('Rows to skip: the `nextOffset` of the previous page.'),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { error: 'must be before to', path: ['from'] });

const counts = {
  requests: z.int(),
  errors: z.int().describe("Requests whose status was 'error'."),
  inputTokens: z.int(),
  outputTokens: z.int(),
  cachedInputTokens: z.int(),
  reasoningTokens: z.int(),
  cacheWriteTokens: z.int(),
};
const usd = z.string().describe('Exact USD with nine decimals (nano-dollars), as text.');
const nano = z.string().describe('The same amount in integer nano-dollars, as text.');
const upstreamUsd = z.string().nullable().optional().describe(`What the upstreams charged for the requests whose deployment declares an upstream cost (\`costedRequests\`), exact USD as text; null when none does. ${ABSENT_FOR_TENANT_ADMINS}`);
const marginUsd = z.string().nullable().optional().describe(`\`costUsd\` − \`upstreamCostUsd\` over those same requests, exact USD as text; null when none has an upstream cost. ${ABSENT_FOR_TENANT_ADMINS}`);
const costedRequests = z.int().optional().describe(`How many of the requests have an upstream cost (the margin covers these). ${ABSENT_FOR_TENANT_ADMINS}`);

export const rollupRowView = z.object({
  bucket: z.string().describe('Bucket start, ISO 8601 UTC.'),
  tenant: z.string().optional(),
  key: z.string().optional(),
  model: z.string().optional(),
  provider: z.string().optional(),
  region: z.string().optional(),
  ...counts,
  costUsd: usd,
  upstreamCostUsd: upstreamUsd,
  marginUsd,
  costedRequests,
});

export const getUsageRollups = adminRoute({
  method: 'GET',
  path: '/usage/rollups',
  operationId: 'getUsageRollups',
  summary: 'Usage and cost per hour or day, grouped and filtered (JSON or CSV)',
  description:
    'Read from the rollups billing keeps as usage arrives, never from raw rows, so it answers the same after raw rows are deleted by retention. Paging is limit/offset in a stable order (bucket, then the grouped dimensions): pass `nextOffset` as `offset`; null means the last page. With `Accept: text/csv` the page is CSV and the next offset is in the `x-next-offset` header.',
  tag: 'usage',
  query: rollupsQuery,
  access: { tenant: 'query:tenant', platformResponseFields: OPERATOR_COST_FIELDS },
  status: 200,
  csv: true,
  response: z.object({ rows: z.array(rollupRowView), nextOffset: z.int().nullable() }),
});

export const statementParams = z.strictObject({
  tenantId: slugId,
  month: z.string().regex(/^[1-9]\d{3}-(0[1-9]|1[0-2])$/, { error: 'expected a month as YYYY-MM' }),
});

const upstream = {
  upstreamCostUsd: upstreamUsd,
  upstreamCostNanoUsd: nano.nullable().optional().describe(`The same upstream cost in integer nano-dollars, as text. ${ABSENT_FOR_TENANT_ADMINS}`),
  marginUsd,
  marginNanoUsd: nano.nullable().optional().describe(`The same margin in integer nano-dollars, as text. ${ABSENT_FOR_TENANT_ADMINS}`),
  costedRequests,
};

const sectionView = z.object({
  kind: z.string().describe('`plan` (fee, included, overage) or `credits` (entries of the month).'),
  lines: z.array(z.object({ label: z.string(), at: z.string().optional(), amountUsd: usd, amountNanoUsd: nano })),
  totalUsd: usd,
  totalNanoUsd: nano,
});

export const getStatement = adminRoute({
  method: 'GET',
  path: '/tenants/{tenantId}/statements/{month}',
  operationId: 'getStatement',
  summary: "A tenant's monthly statement (JSON or CSV)",
  description:
    "One usage line per model and key for the UTC month, from the monthly rollups; `usage.costUsd` is exactly the sum of the month's raw usage rows (amounts are decimal text with nine decimals, and integer nano-dollars). Sections for the plan and credits appear once those are set up. `Accept: text/csv` gives the same as one CSV table.",
  tag: 'usage',
  params: statementParams,
  access: { tenant: 'path:tenantId', platformResponseFields: OPERATOR_COST_FIELDS },
  status: 200,
  csv: true,
  response: z.object({
    tenantId: z.string(),
    month: z.string(),
    from: z.string(),
    to: z.string(),
    currency: z.literal('USD'),
    lines: z.array(z.object({ model: z.string(), keyId: z.string(), ...counts, costUsd: usd, costNanoUsd: nano, ...upstream })),
    usage: z.object({ requests: z.int(), costUsd: usd, costNanoUsd: nano, ...upstream }),
    sections: z.array(sectionView),
    balance: z
      .object({
        prepaidSince: z.string().describe('The first credit entry: when the tenant became prepaid.'),
        openingUsd: usd,
        openingNanoUsd: nano,
        creditsUsd: usd.describe("The month's credit entries (top-ups, refunds, adjustments)."),
        creditsNanoUsd: nano,
        usageUsd: usd.describe('Usage started in the month since the tenant became prepaid: what the balance paid.'),
        usageNanoUsd: nano,
        closingUsd: usd.describe('opening + credits − usage.'),
        closingNanoUsd: nano,
      })
      .nullable()
      .describe("A prepaid tenant's balance at the month's start and end, from the credit ledger; null when it was not prepaid by the month's end."),
  }),
});
