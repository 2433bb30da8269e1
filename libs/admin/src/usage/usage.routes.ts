import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { ABSENT_FOR_TENANT_ADMINS, OPERATOR_COST_FIELDS, dateTime, day, modelName, slugId, timestampView } from '../schemas/common.schemas';

export const usageQuery = z
  .strictObject({
    tenant: slugId.optional().describe('A tenant id.'),
    key: z.string().min(1).max(200).optional().describe('A key id.'),
    model: modelName.optional().describe('A public model name.'),
    from: day.optional().describe('First UTC day, inclusive.'),
    to: day.optional().describe('Last UTC day, inclusive.'),
    clientRequestId: z.string().min(1).max(512).optional().describe("Only requests the caller sent with this `x-client-request-id` (or `x-request-id`): the caller's own id, not the gateway's."),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { error: 'must not be after to', path: ['from'] });

export const usageRowView = z.object({
  day: z.string(),
  tenantId: z.string(),
  keyId: z.string(),
  model: z.string(),
  requests: z.int(),
  inputTokens: z.int(),
  outputTokens: z.int(),
  costUsd: z.number().describe('What the tenants were charged: catalogue price times their multiplier.'),
  upstreamCostUsd: z.number().nullable().optional().describe(`What the upstreams cost, over the requests whose deployment declares a cost; null when none does. ${ABSENT_FOR_TENANT_ADMINS}`),
  marginUsd: z.number().nullable().optional().describe(`costUsd − upstreamCostUsd over those same requests; null when none has an upstream cost. ${ABSENT_FOR_TENANT_ADMINS}`),
  costedRequests: z.int().optional().describe(`How many of the requests have an upstream cost (the margin covers these). ${ABSENT_FOR_TENANT_ADMINS}`),
});

export const getUsage = adminRoute({
  method: 'GET',
  path: '/usage',
  operationId: 'getUsage',
  summary: 'Usage per UTC day, tenant, key and model',
  description: "Every filter is optional; rows are grouped by day, tenant, key and model. `clientRequestId` finds a caller's request by its own id.",
  tag: 'usage',
  query: usageQuery,
  access: { tenant: 'query:tenant', platformResponseFields: OPERATOR_COST_FIELDS },
  status: 200,
  response: z.object({ rows: z.array(usageRowView) }),
});

export const usageRejectsQuery = z.strictObject({
  tenant: slugId.optional().describe('A tenant id.'),
  requestId: z.string().min(1).max(200).optional().describe("The gateway's request id (the `x-request-id` of the answer)."),
  before: dateTime.optional().describe('Only rejects older than this (paging: the `rejectedAt` of the last row seen).'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const usageRejectView = z.object({
  requestId: z.string().describe("The gateway's request id (x-request-id of the answer)."),
  tenantId: z.string().nullable(),
  event: z.unknown().describe('The usage event as billing received it (strings made storable).'),
  error: z.string().describe('Why the ledger refused it.'),
  rejectedAt: timestampView,
});

export const listUsageRejects = adminRoute({
  method: 'GET',
  path: '/usage/rejects',
  operationId: 'listUsageRejects',
  summary: 'Usage events the ledger refused, newest first',
  description:
    'Events whose data the database refused (a value out of range, …) are set aside here once, logged at error level and not retried, so the rest of their batch is recorded. Each needs an operator: fix and re-enter it, or write it off.',
  tag: 'usage',
  query: usageRejectsQuery,
  access: { tenant: 'query:tenant' },
  status: 200,
  response: z.object({ rows: z.array(usageRejectView) }),
});
