import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { accessLimitFields, accessLimitsView, slugId, timestampView } from '../schemas/common.schemas';

const tenantName = z.string().min(1).max(200).nullable().optional();
// As `tenants[].observability` in switchyard.yaml (docs/architecture.md §4, §9 Traces).
const observability = z
  .strictObject({ captureContent: z.boolean().describe('Prompts and completions on this tenant\'s traces (only when tracing is on); default false.') })
  .optional()
  .describe('What this tenant\'s requests show in traces.');

// As `tenants[].audit` in switchyard.yaml (docs/architecture.md, "Request audit and residency").
const audit = z
  .strictObject({ captureBodies: z.boolean().describe('Keep request and response bodies (after PII masking, sealed) in the request audit; default false.') })
  .optional()
  .describe('What the request audit keeps of this tenant\'s requests.');

export const createTenantBody = z.strictObject({ id: slugId, name: tenantName, ...accessLimitFields, observability, audit });
export type CreateTenantBody = z.output<typeof createTenantBody>;
export const updateTenantBody = z.strictObject({ name: tenantName, ...accessLimitFields, observability, audit });
export type UpdateTenantBody = z.output<typeof updateTenantBody>;

export const tenantView = z.object({
  id: z.string(),
  name: z.string().nullable(),
  ...accessLimitsView,
  observability: z.object({ captureContent: z.boolean() }),
  audit: z.object({ captureBodies: z.boolean() }),
  createdAt: timestampView,
  updatedAt: timestampView,
});
export type TenantView = z.output<typeof tenantView>;

const tenantParams = z.strictObject({ tenantId: slugId });
const TAG = 'tenants';

export const listTenants = adminRoute({
  method: 'GET',
  path: '/tenants',
  operationId: 'listTenants',
  summary: 'List tenants',
  tag: TAG,
  status: 200,
  response: z.object({ tenants: z.array(tenantView) }),
});

export const getTenant = adminRoute({ method: 'GET', path: '/tenants/{tenantId}', operationId: 'getTenant', summary: 'Get a tenant', tag: TAG, params: tenantParams, status: 200, response: tenantView });

export const createTenant = adminRoute({
  method: 'POST',
  path: '/tenants',
  operationId: 'createTenant',
  summary: 'Create a tenant',
  tag: TAG,
  body: createTenantBody,
  status: 201,
  response: tenantView,
});

export const updateTenant = adminRoute({
  method: 'PATCH',
  path: '/tenants/{tenantId}',
  operationId: 'updateTenant',
  summary: 'Change a tenant',
  description: 'Fields present replace the stored ones (lists and metadata as a whole); null clears a limit or budget.',
  tag: TAG,
  params: tenantParams,
  body: updateTenantBody,
  status: 200,
  response: tenantView,
});

export const deleteTenant = adminRoute({
  method: 'DELETE',
  path: '/tenants/{tenantId}',
  operationId: 'deleteTenant',
  summary: 'Delete a tenant and all its keys',
  description: 'Cascades: every key of the tenant is deleted too (and audited). Usage records are kept.',
  tag: TAG,
  params: tenantParams,
  status: 200,
  response: z.object({ deleted: tenantView, keysDeleted: z.int() }),
});
