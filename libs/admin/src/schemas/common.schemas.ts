import { guardrailsSchema, isIpRange } from '@switchyard/config';
import { z } from 'zod';

// Building blocks shared by the admin API's bodies and views. Field names follow
// switchyard.yaml (rpm, tpm, concurrency, budget.dailyUsd, regions, ips, metadata), so what an
// operator writes in the file and sends to the API look the same.

/** Tenant and provider ids end up in URLs, metric labels and logs: URL-safe, as in the config file. */
export const slugId = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'expected letters, digits, ".", "_" or "-", starting with a letter or digit' });
/** Model names are whatever upstreams and tenants use (`meta-llama/Llama-3-8B`, `qwen2.5:7b`). */
export const modelName = z.string().min(1).max(200).regex(/^\S+$/, { error: 'expected a name without spaces' });
// Any 8-4-4-4-12 hex id, as Postgres' uuid type takes (z.uuid() also checks version bits).
export const uuid = z.guid({ error: 'expected a UUID' });
/** numeric(18,6) holds up to 10^12. */
export const money = z.number().min(0).max(1e12);
/** Postgres int4. */
export const positiveInt = z.int().min(1).max(2_147_483_647);
export const millis = z.int().min(1).max(86_400_000);
export const regionName = z.string().min(1).max(64).regex(/^\S+$/, { error: 'expected a region name without spaces' });
export const modelPattern = z.string().min(1).max(200).regex(/^\S+$/, { error: 'expected a model name or pattern (`*` matches any characters) without spaces' });
export const ipRange = z.string().max(64).refine(isIpRange, { error: 'expected an IP address or CIDR range such as 10.0.0.0/8' });
export const dateTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with a time zone, such as 2027-01-01T00:00:00Z' });
export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a day as YYYY-MM-DD' });

/** Free-form labels of the operator: small scalar values, at most 64 of them. */
export const metadata = z
  .record(z.string().min(1).max(128), z.union([z.string().max(1024), z.number(), z.boolean()], { error: 'expected a string, number or boolean' }))
  .refine((m) => Object.keys(m).length <= 64, { error: 'at most 64 labels' });

/** Limits and allow-lists a tenant and each key may set; null clears a limit, an empty list means any. */
export const accessLimitFields = {
  rpm: positiveInt.nullable().optional().describe('Requests per minute; null = no limit.'),
  tpm: positiveInt.nullable().optional().describe('Tokens per minute (prompt + completion); null = no limit.'),
  concurrency: positiveInt.nullable().optional().describe('Requests in flight at once; null = no limit.'),
  budget: z
    .strictObject({ dailyUsd: money.nullable().optional(), monthlyUsd: money.nullable().optional() })
    .nullable()
    .optional()
    .describe('USD budgets per UTC day and month; a field set to null (or budget: null) removes it.'),
  models: z.array(modelPattern).max(200).optional().describe('Allowed public model names, `*` wildcards; empty = every model.'),
  regions: z.array(regionName).max(64).optional().describe('Deployment regions requests may be served from; empty = any.'),
  ips: z.array(ipRange).max(256).optional().describe('Client IP ranges (CIDR) allowed; empty = any.'),
  metadata: metadata.optional().describe('Replaces the stored labels.'),
  guardrails: guardrailsSchema
    .nullable()
    .optional()
    .describe("PII guardrails: { pii: { action: mask|block|detect, categories, restore, custom: [{ name, pattern }] } }; a key's pii fields override its tenant's; null removes them."),
};

export const budgetView = z.object({ dailyUsd: z.number().nullable(), monthlyUsd: z.number().nullable() });

export const accessLimitsView = {
  rpm: z.int().nullable(),
  tpm: z.int().nullable(),
  concurrency: z.int().nullable(),
  budget: budgetView,
  models: z.array(z.string()),
  regions: z.array(z.string()),
  ips: z.array(z.string()),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  guardrails: guardrailsSchema.nullable(),
};

/** Timestamps are ISO 8601 strings in UTC. */
export const timestampView = z.string().describe('ISO 8601, UTC');

/**
 * What the operator pays upstream and earns on the usage a report shows: for operator staff
 * only (platform and read-only admins), absent from a tenant admin's answer, JSON and CSV
 * (`access.platformResponseFields` of the usage and report routes).
 */
export const OPERATOR_COST_FIELDS = ['upstreamCostUsd', 'upstreamCostNanoUsd', 'marginUsd', 'marginNanoUsd', 'costedRequests'] as const;
export const ABSENT_FOR_TENANT_ADMINS = 'Absent for tenant admins (operator staff only).';
