import { normalizeOrigin } from '@switchyard/shared';
import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { accessLimitFields, accessLimitsView, slugId, timestampView } from '../schemas/common.schemas';

const tenantName = z.string().min(1).max(200).nullable().optional();
// As `tenants[].observability` in switchyard.yaml (docs/architecture.md §4, §9 Traces).
const observability = z
  .strictObject({ captureContent: z.boolean().describe('Prompts and completions on this tenant\'s traces (only when tracing is on); default false.') })
  .optional()
  .describe('What this tenant\'s requests show in traces.');

// As `tenants[].priceMultiplier` in switchyard.yaml (docs/architecture.md, "Billing: prices").
const priceMultiplier = z
  .number()
  .min(0)
  .max(1000)
  .nullable()
  .optional()
  .describe('The tenant pays the catalogue price times this (1.2 = 20 % markup, 0.8 = 20 % off); null = 1.');

// Billing (issue 16), as `tenants[].plan` and `tenants[].alerts` in switchyard.yaml.
const plan = slugId.nullable().optional().describe('The id of the plan the tenant is on; null = none (pay as you go).');
const alerts = z
  .strictObject({
    spend: z
      .array(z.int().min(1).max(1000))
      .max(20)
      .refine((l) => l.every((v, i) => i === 0 || v > l[i - 1]), { error: 'expected ascending, distinct percentages such as [50, 80, 100]' })
      .describe('Percentages of the monthly budget and of the plan\'s included usage, each announced once a month to `spend` webhooks; [] = none.'),
  })
  .optional();
const billingFields = { plan, alerts };

// As `tenants[].audit` in switchyard.yaml (docs/architecture.md, "Request audit and residency").
const audit = z
  .strictObject({ captureBodies: z.boolean().describe('Keep request and response bodies (after PII masking, sealed) in the request audit; default false.') })
  .optional()
  .describe('What the request audit keeps of this tenant\'s requests.');

// As `tenants[].cors` in switchyard.yaml: origins compared in their serialised form (docs/configuration.md).
const corsOrigin = z.string().max(300).refine((v) => normalizeOrigin(v) !== undefined, { error: 'expected an origin such as https://app.example.com (scheme, host and port only) or *' });
const cors = z
  .strictObject({ origins: z.array(corsOrigin).max(100).transform((list) => [...new Set(list.map((o) => normalizeOrigin(o) ?? o))]) })
  .optional()
  .describe("Browser origins this tenant's keys may be used from, on top of the server's; [] = none of its own.");

export const createTenantBody = z.strictObject({ id: slugId, name: tenantName, ...accessLimitFields, priceMultiplier, observability, ...billingFields, audit, cors });
export type CreateTenantBody = z.output<typeof createTenantBody>;
export const updateTenantBody = z.strictObject({ name: tenantName, ...accessLimitFields, priceMultiplier, observability, ...billingFields, audit, cors });
export type UpdateTenantBody = z.output<typeof updateTenantBody>;

export const tenantView = z.object({
  id: z.string(),
  name: z.string().nullable(),
  ...accessLimitsView,
  priceMultiplier: z.number().nullable(),
  observability: z.object({ captureContent: z.boolean() }),
  plan: z.string().nullable(),
  alerts: z.object({ spend: z.array(z.int()) }),
  audit: z.object({ captureBodies: z.boolean() }),
  cors: z.object({ origins: z.array(z.string()) }),
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

export const getTenant = adminRoute({ method: 'GET', path: '/tenants/{tenantId}', operationId: 'getTenant', summary: 'Get a tenant', tag: TAG, params: tenantParams, access: { tenant: 'path:tenantId' }, status: 200, response: tenantView });

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
