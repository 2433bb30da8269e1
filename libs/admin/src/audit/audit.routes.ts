import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { dateTime, slugId, timestampView } from '../schemas/common.schemas';
import { AUDIT_ACTIONS, AUDIT_ENTITIES } from './admin-changes.service';

export const auditQuery = z.strictObject({
  entity: z.enum(AUDIT_ENTITIES).optional(),
  entityId: z.string().min(1).max(300).optional().describe('Tenant or provider id, key or deployment id, model name (also for its prices), tenant id of a credit entry.'),
  tenant: slugId.optional().describe('Only rows about this tenant: the tenant itself, its keys and its admin tokens.'),
  actor: z.string().min(1).max(100).optional().describe('`bootstrap`, `bootstrap:<label>`, `token:<name>`, `oidc:<subject>`, `config`, …'),
  before: dateTime.optional().describe('Only rows older than this (paging: the `at` of the last row seen).'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const auditRowView = z.object({
  id: z.string(),
  at: timestampView,
  actor: z.string(),
  action: z.string().describe(`One of ${[...AUDIT_ACTIONS].join(', ')}.`),
  entity: z.string(),
  entityId: z.string(),
  before: z.unknown().describe('The state before the change, without secrets or key hashes; null for a creation.'),
  after: z.unknown().describe('The state after the change, without secrets or key hashes; null for a deletion.'),
  sourceIp: z.string().nullable(),
});

export const listAudit = adminRoute({
  method: 'GET',
  path: '/audit',
  operationId: 'listAudit',
  summary: 'Read the audit log, newest first',
  tag: 'audit',
  query: auditQuery,
  // A tenant admin reads the rows about its own tenant.
  access: { tenant: 'query:tenant' },
  status: 200,
  response: z.object({ rows: z.array(auditRowView) }),
});
