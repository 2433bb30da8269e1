import { PLAN_OVERAGES } from '@switchyard/config';
import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { slugId, timestampView } from '../schemas/common.schemas';

// Plans (issue 16), named as switchyard.yaml names them (docs/configuration.md, `plans`).

/** numeric(18,9) holds up to 10^9. */
const planMoney = z.number().min(0).max(1e9);
const included = z
  .strictObject({
    usd: planMoney.optional().describe('USD of usage at catalogue prices included each month.'),
    tokens: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('Tokens (input + output) included each month.'),
  })
  .refine((i) => i.usd === undefined || i.tokens === undefined, { error: 'give usd or tokens, not both: a plan counts one unit' })
  .nullable()
  .describe('Usage included each month: usd or tokens, one of them; null = none.');
const planFields = {
  name: z.string().min(1).max(200).nullable().optional(),
  monthlyFeeUsd: planMoney.optional().describe('Charged each month whatever the usage; default 0.'),
  included: included.optional(),
  overage: z.enum(PLAN_OVERAGES).optional().describe('price (default): usage past the included is charged; stop: it is refused.'),
  overageMultiplier: z.number().min(0).max(1e6).nullable().optional().describe('price only: overage at the catalogue price times this; null = 1.'),
};

export const createPlanBody = z.strictObject({ id: slugId, ...planFields });
export type CreatePlanBody = z.output<typeof createPlanBody>;
export const updatePlanBody = z.strictObject(planFields);
export type UpdatePlanBody = z.output<typeof updatePlanBody>;

export const planView = z.object({
  id: z.string(),
  name: z.string().nullable(),
  monthlyFeeUsd: z.number(),
  included: z.object({ usd: z.number().optional(), tokens: z.number().optional() }).nullable(),
  overage: z.enum(PLAN_OVERAGES),
  overageMultiplier: z.number().nullable(),
  /** How many tenants are on it (a plan in use cannot be deleted). */
  tenants: z.int(),
  createdAt: timestampView,
  updatedAt: timestampView,
});
export type PlanView = z.output<typeof planView>;

const planParams = z.strictObject({ planId: slugId });
const TAG = 'plans';

export const listPlans = adminRoute({ method: 'GET', path: '/plans', operationId: 'listPlans', summary: 'List plans', tag: TAG, status: 200, response: z.object({ plans: z.array(planView) }) });

export const getPlan = adminRoute({ method: 'GET', path: '/plans/{planId}', operationId: 'getPlan', summary: 'Get a plan', tag: TAG, params: planParams, status: 200, response: planView });

export const createPlan = adminRoute({ method: 'POST', path: '/plans', operationId: 'createPlan', summary: 'Create a plan', tag: TAG, body: createPlanBody, status: 201, response: planView });

export const updatePlan = adminRoute({
  method: 'PATCH',
  path: '/plans/{planId}',
  operationId: 'updatePlan',
  summary: 'Change a plan',
  description: 'Fields present replace the stored ones; null clears the name, the included usage or the multiplier. Tenants on the plan follow at once.',
  tag: TAG,
  params: planParams,
  body: updatePlanBody,
  status: 200,
  response: planView,
});

export const deletePlan = adminRoute({
  method: 'DELETE',
  path: '/plans/{planId}',
  operationId: 'deletePlan',
  summary: 'Delete a plan no tenant is on',
  description: '409 while tenants are on it: move them first (PATCH /tenants/{tenantId} with plan).',
  tag: TAG,
  params: planParams,
  status: 200,
  response: z.object({ deleted: planView }),
});
