import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { dateTime, slugId, timestampView } from '../schemas/common.schemas';

export const CREDIT_KINDS = ['top_up', 'adjustment', 'refund'] as const;
export type CreditKind = (typeof CREDIT_KINDS)[number];

// numeric(18,9): up to 10^9 USD, to the nano-dollar.
const amountUsd = z
  .number()
  .min(-1e9)
  .max(1e9)
  .refine((v) => v !== 0, { error: 'must not be 0' })
  .refine((v) => Number(v.toFixed(9)) === v, { error: 'at most 9 decimal places (nano-dollars)' })
  .describe('USD; positive for a top-up or a refund, negative for an adjustment.');

export const createCreditBody = z
  .strictObject({
    amountUsd,
    reason: z.string().trim().min(1).max(500).describe('Why: shown in the ledger and the audit log (an invoice number, a support ticket).'),
    kind: z.enum(CREDIT_KINDS).optional().describe('Default: `top_up` for a positive amount, `adjustment` for a negative one.'),
  })
  .refine((b) => b.kind === undefined || b.kind === 'adjustment' || b.amountUsd > 0, { error: 'a top_up or a refund must be positive; use an adjustment to take credit away', path: ['amountUsd'] });
export type CreateCreditBody = z.output<typeof createCreditBody>;

export const creditEntryView = z.object({
  id: z.string(),
  tenantId: z.string(),
  amountUsd: z.number(),
  kind: z.enum(CREDIT_KINDS),
  actor: z.string(),
  reason: z.string(),
  createdAt: timestampView,
});

export const balanceView = z.object({
  tenantId: z.string(),
  prepaid: z.boolean().describe('True from the first credit entry on: every request then reserves its maximum cost against the balance.'),
  prepaidSince: timestampView.nullable(),
  creditsUsd: z.number().describe('Sum of the credit entries.'),
  spentUsd: z.number().describe('Cost of the usage recorded in the ledger since the tenant became prepaid.'),
  balanceUsd: z.number().describe('creditsUsd − spentUsd.'),
  reservedUsd: z.number().nullable().describe('Maximum cost held by requests in flight (null: the live counters cannot be read here).'),
  inFlight: z.int().nullable(),
  availableUsd: z.number().nullable().describe('What the next request may reserve, as admission counts it: creditsUsd − the live spent counter − reservedUsd (the live counter runs ahead of spentUsd by the usage still queued).'),
});
export type BalanceView = z.output<typeof balanceView>;

const tenantParams = z.strictObject({ tenantId: slugId });
const TAG = 'billing';

export const createCredit = adminRoute({
  method: 'POST',
  path: '/tenants/{tenantId}/credits',
  operationId: 'createCredit',
  summary: 'Add a credit entry (top-up, refund or adjustment)',
  description: 'Appends to the tenant\'s prepaid-credit ledger (entries are never changed or deleted) and makes the tenant prepaid. Audited; every replica admits against the new balance within a second.',
  tag: TAG,
  params: tenantParams,
  body: createCreditBody,
  status: 201,
  response: z.object({ entry: creditEntryView, balance: balanceView }),
});

export const listCredits = adminRoute({
  method: 'GET',
  path: '/tenants/{tenantId}/credits',
  operationId: 'listCredits',
  summary: 'The tenant\'s credit entries, newest first',
  tag: TAG,
  params: tenantParams,
  access: { tenant: 'path:tenantId' },
  query: z.strictObject({
    before: dateTime.optional().describe('Only entries older than this (paging: the `createdAt` of the last row seen).'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  }),
  status: 200,
  response: z.object({ entries: z.array(creditEntryView) }),
});

export const getBalance = adminRoute({
  method: 'GET',
  path: '/tenants/{tenantId}/balance',
  operationId: 'getBalance',
  summary: 'The tenant\'s prepaid balance',
  description: 'Credits and spend from the ledger, and what requests in flight hold (from the live counters).',
  tag: TAG,
  params: tenantParams,
  access: { tenant: 'path:tenantId' },
  status: 200,
  response: balanceView,
});

const counterFixView = z.object({
  counter: z.string().describe('`balance`, `daily_budget` or `monthly_budget`.'),
  scope: z.string().describe('`tenant:<id>` or `key:<id>`.'),
  period: z.string().describe('UTC day (YYYYMMDD) or month (YYYYMM) of a budget counter; empty for a balance.'),
  counterUsd: z.number(),
  ledgerUsd: z.number(),
  deltaUsd: z.number(),
});

export const runReconcile = adminRoute({
  method: 'POST',
  path: '/billing/reconcile',
  operationId: 'runReconcile',
  summary: 'Rebuild the live balance and budget counters from the ledger now',
  description: 'Runs the reconciliation job at once and answers each counter it corrected. It compares nothing while usage events are still queued (`skipped` says so).',
  tag: TAG,
  status: 200,
  response: z.object({ startedAt: z.string(), finishedAt: z.string(), checked: z.int(), fixes: z.array(counterFixView), skipped: z.string().optional() }),
});
