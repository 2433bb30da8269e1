import { REQUEST_AUDIT_OUTCOMES } from '@switchyard/db';
import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { dateTime, modelName, slugId, timestampView } from '../schemas/common.schemas';

// The request audit (docs/architecture.md, "Request audit and residency"). Its own folder: admin
// roles will limit a tenant admin to its own tenant's rows here.

export const requestAuditQuery = z
  .strictObject({
    tenant: slugId.optional().describe('A tenant id.'),
    key: z.string().min(1).max(200).optional().describe('A key id.'),
    model: modelName.optional().describe('The public model asked for.'),
    outcome: z.enum(REQUEST_AUDIT_OUTCOMES).optional().describe('`ok`, `error`, `aborted` (the client hung up) or `refused` (turned away before any upstream: a known key refused, a limit, a PII block).'),
    pii: z.string().min(1).max(64).optional().describe('Only requests where the guardrails found this category (`email`, `phone`, `cn_id`, `card`, `iban`, `ip`, `secret`, or a custom pattern\'s name).'),
    region: z.string().min(1).max(64).optional().describe('Only requests whose data went to this region (any try, hedges included).'),
    from: dateTime.optional().describe('Requests that started at or after this time.'),
    to: dateTime.optional().describe('Requests that started before this time.'),
    cursor: z.string().min(1).max(400).optional().describe('`nextCursor` of the previous page.'),
    limit: z.coerce.number().int().min(1).max(10_000).default(100),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { error: 'must be before to', path: ['from'] });
export type RequestAuditQuery = z.output<typeof requestAuditQuery>;

export const requestAuditView = z.object({
  requestId: z.string().describe("The gateway's request id (x-request-id of the answer)."),
  startedAt: timestampView,
  finishedAt: timestampView,
  tenantId: z.string(),
  keyId: z.string(),
  clientIp: z.string().nullable(),
  clientRequestId: z.string().nullable(),
  endpoint: z.string().describe('The path served (never its query).'),
  dialect: z.string(),
  model: z.string(),
  providerId: z.string().nullable(),
  deploymentId: z.string().nullable(),
  deploymentRegion: z.string().nullable().describe('The answering (or last tried) deployment\'s region.'),
  dataRegions: z.array(z.string()).describe('Every region the request\'s data was sent to.'),
  region: z.string().nullable().describe('The gateway region that served the request.'),
  outcome: z.enum(REQUEST_AUDIT_OUTCOMES),
  httpStatus: z.int(),
  errorKind: z.string().nullable(),
  piiAction: z.string().nullable().describe('`mask`, `block` or `detect`; null without a policy.'),
  piiCategories: z.array(z.string()),
  bodiesCaptured: z.boolean().describe('Bodies were kept (tenants[].audit.captureBodies): read them at `/audit/requests/{requestId}/bodies`.'),
});
export type RequestAuditView = z.output<typeof requestAuditView>;

export const listRequestAudit = adminRoute({
  method: 'GET',
  path: '/audit/requests',
  operationId: 'listRequestAudit',
  summary: 'The request audit: every request, refused ones included, newest first',
  description:
    'Who (tenant, key, client address), what (endpoint, model), where (deployment, provider, regions), when, the outcome and what the PII guardrails found and did. Page with `nextCursor`. With `Accept: text/csv` the same page comes as CSV (header row; `x-next-cursor` header for the next page).',
  tag: 'audit',
  query: requestAuditQuery,
  access: { tenant: 'query:tenant' },
  status: 200,
  response: z.object({ rows: z.array(requestAuditView), nextCursor: z.string().nullable() }),
});

export const requestAuditParams = z.strictObject({ requestId: z.string().min(1).max(200) });

export const getRequestAuditBodies = adminRoute({
  method: 'GET',
  path: '/audit/requests/{requestId}/bodies',
  operationId: 'getRequestAuditBodies',
  summary: "A request's captured bodies, opened",
  description:
    'For tenants with `audit.captureBodies`: the request as it left for the upstream (after PII masking) and the upstream\'s answer (before placeholders were restored), as IR JSON text, each cut at SWITCHYARD_AUDIT_BODY_MAX_BYTES. Stored sealed; opened here with SWITCHYARD_SECRET_KEYS (409 without it). Never logged.',
  tag: 'audit',
  params: requestAuditParams,
  status: 200,
  response: z.object({ requestId: z.string(), requestBody: z.string().nullable(), responseBody: z.string().nullable() }),
});
