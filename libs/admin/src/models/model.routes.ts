import { ROUTING_STRATEGIES } from '@switchyard/config';
import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { dateTime, millis, modelName, money, positiveInt, slugId, timestampView } from '../schemas/common.schemas';

// Models, their deployments and prices, in switchyard.yaml's vocabulary (models[] of the file).

export const priceBody = z.strictObject({
  inputPerMTok: money.describe('USD per million input tokens.'),
  outputPerMTok: money.describe('USD per million output tokens.'),
  cachedInputPerMTok: money.nullable().optional().describe('USD per million cached input tokens; absent = the input price.'),
  cacheWritePerMTok: money.nullable().optional().describe('USD per million prompt-cache write tokens; absent = the input price.'),
  reasoningPerMTok: money.nullable().optional().describe('USD per million reasoning tokens (counted within the output); absent = the output price.'),
  batchInputPerMTok: money.nullable().optional().describe('USD per million input tokens of a batch-API line; absent = the input price.'),
  batchOutputPerMTok: money.nullable().optional().describe('USD per million output tokens of a batch-API line; absent = the output price.'),
});

export const deploymentBody = z.strictObject({
  provider: slugId.describe('A provider id.'),
  model: modelName.describe('The model id the provider expects.'),
  weight: z.int().min(0).max(1_000_000).default(1).describe('0 drains the deployment without deleting it.'),
  priority: z.int().min(0).max(1000).default(0).describe('Lower tiers are tried first.'),
  rpm: positiveInt.optional(),
  tpm: positiveInt.optional(),
  cost: priceBody.optional().describe('What the upstream charges for this deployment: recorded per usage row as its upstream cost (margins), and compared by the lowest-cost strategy.'),
  price: priceBody.optional().describe('The older name of `cost` (one or the other).'),
}).refine((d) => !(d.cost && d.price), { error: 'give cost or price (its older name), not both', path: ['price'] });
export type DeploymentBody = z.output<typeof deploymentBody>;

const deployments = z.array(deploymentBody).min(1).max(100);
const timeouts = z.strictObject({ connectMs: millis.optional(), firstTokenMs: millis.optional(), idleMs: millis.optional(), totalMs: millis.optional() });
const hedge = z.strictObject({ afterMs: millis.optional(), percentile: z.number().gt(0).lt(100).optional() });
const cache = z.strictObject({ ttlSeconds: positiveInt.optional() });

/** Routing settings stored in models.options (the router reads the same keys). */
export const MODEL_OPTION_KEYS = ['timeouts', 'contextWindow', 'contextFallback', 'hedge', 'cache'] as const;

export const createModelBody = z.strictObject({
  name: modelName,
  deployments,
  fallbacks: z.array(modelName).max(20).default([]),
  strategy: z.enum(ROUTING_STRATEGIES).default('weighted'),
  timeouts: timeouts.optional(),
  contextWindow: positiveInt.optional(),
  contextFallback: modelName.optional(),
  hedge: hedge.optional(),
  cache: cache.optional(),
  price: priceBody.optional().describe('The first price row, effective now.'),
});
export type CreateModelBody = z.output<typeof createModelBody>;

export const updateModelBody = z.strictObject({
  fallbacks: z.array(modelName).max(20).optional(),
  strategy: z.enum(ROUTING_STRATEGIES).optional(),
  timeouts: timeouts.nullable().optional(),
  contextWindow: positiveInt.nullable().optional(),
  contextFallback: modelName.nullable().optional(),
  hedge: hedge.nullable().optional(),
  cache: cache.nullable().optional(),
});
export type UpdateModelBody = z.output<typeof updateModelBody>;

export const replaceDeploymentsBody = z.strictObject({ deployments });
export const createPriceBody = priceBody.extend({ effectiveFrom: dateTime.optional().describe('Default: now. A later date schedules a price change.') });
export type CreatePriceBody = z.output<typeof createPriceBody>;

const priceFields = {
  inputPerMTok: z.number(),
  outputPerMTok: z.number(),
  cachedInputPerMTok: z.number().nullable(),
  cacheWritePerMTok: z.number().nullable(),
  reasoningPerMTok: z.number().nullable(),
  batchInputPerMTok: z.number().nullable(),
  batchOutputPerMTok: z.number().nullable(),
};
export const priceView = z.object({ id: z.string(), model: z.string(), ...priceFields, effectiveFrom: timestampView });
export type PriceView = z.output<typeof priceView>;

export const deploymentView = z.object({
  id: z.string(),
  provider: z.string(),
  model: z.string(),
  weight: z.int(),
  priority: z.int(),
  rpm: z.int().nullable(),
  tpm: z.int().nullable(),
  cost: z.object(priceFields).nullable().describe("The deployment's upstream cost (given as cost or price)."),
  price: z.object(priceFields).nullable().describe('The same as cost (kept for clients of the older name).'),
});
export type DeploymentView = z.output<typeof deploymentView>;

export const modelView = z.object({
  name: z.string(),
  strategy: z.string(),
  fallbacks: z.array(z.string()),
  timeouts: z.record(z.string(), z.number()).nullable(),
  contextWindow: z.int().nullable(),
  contextFallback: z.string().nullable(),
  hedge: z.record(z.string(), z.number()).nullable(),
  cache: z.record(z.string(), z.number()).nullable(),
  deployments: z.array(deploymentView),
  price: priceView.nullable().describe('The price in force now.'),
  createdAt: timestampView,
  updatedAt: timestampView,
});
export type ModelView = z.output<typeof modelView>;

const modelParams = z.strictObject({ model: modelName });
const TAG = 'models';

export const listModels = adminRoute({
  method: 'GET',
  path: '/models',
  operationId: 'listModels',
  summary: 'List models with their deployments and current price',
  tag: TAG,
  status: 200,
  response: z.object({ models: z.array(modelView) }),
});

export const getModel = adminRoute({
  method: 'GET',
  path: '/models/{model}',
  operationId: 'getModel',
  summary: 'Get a model',
  description: 'Percent-encode a `/` in the model name (`meta-llama%2FLlama-3-8B`).',
  tag: TAG,
  params: modelParams,
  status: 200,
  response: modelView,
});

export const createModel = adminRoute({
  method: 'POST',
  path: '/models',
  operationId: 'createModel',
  summary: 'Create a model with its deployments (and optionally its first price)',
  tag: TAG,
  body: createModelBody,
  status: 201,
  response: modelView,
});

export const updateModel = adminRoute({
  method: 'PATCH',
  path: '/models/{model}',
  operationId: 'updateModel',
  summary: "Change a model's strategy, fallbacks or routing options",
  description: 'Fields present replace the stored ones; null removes an option.',
  tag: TAG,
  params: modelParams,
  body: updateModelBody,
  status: 200,
  response: modelView,
});

export const replaceDeployments = adminRoute({
  method: 'PUT',
  path: '/models/{model}/deployments',
  operationId: 'replaceDeployments',
  summary: "Replace a model's deployments",
  description: 'Deployments are matched by provider and upstream model: matching ones are updated in place (keeping their id), the others created, and the ones not listed removed.',
  tag: TAG,
  params: modelParams,
  body: replaceDeploymentsBody,
  status: 200,
  response: modelView,
});

export const deleteModel = adminRoute({
  method: 'DELETE',
  path: '/models/{model}',
  operationId: 'deleteModel',
  summary: 'Delete a model with its deployments and price history',
  description: 'Refused with 409 while another model names it as a fallback. Usage records are kept.',
  tag: TAG,
  params: modelParams,
  status: 200,
  response: z.object({ deleted: modelView }),
});

export const listPrices = adminRoute({
  method: 'GET',
  path: '/models/{model}/prices',
  operationId: 'listPrices',
  summary: "A model's price history, newest first",
  tag: 'prices',
  params: modelParams,
  status: 200,
  response: z.object({ prices: z.array(priceView) }),
});

export const createPrice = adminRoute({
  method: 'POST',
  path: '/models/{model}/prices',
  operationId: 'createPrice',
  summary: 'Add a price (prices are append-only)',
  description: 'Usage already recorded keeps the cost it was charged; requests starting at or after effectiveFrom are priced with this row.',
  tag: 'prices',
  params: modelParams,
  body: createPriceBody,
  status: 201,
  response: priceView,
});
