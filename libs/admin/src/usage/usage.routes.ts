import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { day, modelName, slugId } from '../schemas/common.schemas';

export const usageQuery = z
  .strictObject({
    tenant: slugId.optional().describe('A tenant id.'),
    key: z.string().min(1).max(200).optional().describe('A key id.'),
    model: modelName.optional().describe('A public model name.'),
    from: day.optional().describe('First UTC day, inclusive.'),
    to: day.optional().describe('Last UTC day, inclusive.'),
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
  costUsd: z.number(),
});

export const getUsage = adminRoute({
  method: 'GET',
  path: '/usage',
  operationId: 'getUsage',
  summary: 'Usage per UTC day, tenant, key and model',
  description: 'Every filter is optional; rows are grouped by day, tenant, key and model.',
  tag: 'usage',
  query: usageQuery,
  status: 200,
  response: z.object({ rows: z.array(usageRowView) }),
});
