import { passthroughSchema, providerOptionsSchema } from '@switchyard/config';
import { PROVIDER_IDS } from '@switchyard/providers';
import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { regionName, slugId, timestampView } from '../schemas/common.schemas';

const ENV_REF = /^env:[A-Za-z_][A-Za-z0-9_]*$/;

const httpUrl = z
  .string()
  .max(2048)
  .refine((v) => URL.canParse(v) && ['http:', 'https:'].includes(new URL(v).protocol), { error: 'expected an http(s) URL' });
// Never echoed in errors: it may be a key.
const apiKeyRef = z
  .string()
  .min(1)
  .max(4096)
  .refine((v) => !v.startsWith('env:') || ENV_REF.test(v), { error: 'expected env:NAME with NAME a valid environment variable name' })
  .describe('`env:NAME` (read by the adapter from its environment; NAME must start with SWITCHYARD_OUTBOUND_ENV_PREFIX) or the key itself, stored sealed (AES-256-GCM).');
// Bounded here (an API body), then the same shape as switchyard.yaml's: `vendor` one of the profiles.
const providerOptions = z
  .record(z.string().min(1).max(128), z.union([z.string().max(4096), z.number(), z.boolean()], { error: 'expected a string, number or boolean' }))
  .pipe(providerOptionsSchema);

const PASSTHROUGH_DOC =
  'Which unmodelled client fields reach this provider: `allow` extends the family defaults (docs/translation-matrix.md), `deny` narrows them and wins; names such as `service_tier`, `tools.googleSearch`, `generationConfig.*`, or `*`.';

export const createProviderBody = z.strictObject({
  id: slugId,
  type: z.enum(PROVIDER_IDS),
  baseUrl: httpUrl,
  apiKeys: z.array(apiKeyRef).max(64).default([]),
  region: regionName.nullable().optional(),
  options: providerOptions.optional(),
  passthrough: passthroughSchema.optional().describe(PASSTHROUGH_DOC),
});
export type CreateProviderBody = z.output<typeof createProviderBody>;

export const updateProviderBody = z.strictObject({
  type: z.enum(PROVIDER_IDS).optional(),
  baseUrl: httpUrl.optional(),
  apiKeys: z.array(apiKeyRef).max(64).optional().describe('Replaces every key; a literal already stored is kept as it was sealed.'),
  region: regionName.nullable().optional(),
  options: providerOptions.optional().describe('Replaces the stored options.'),
  passthrough: passthroughSchema.optional().describe(`Replaces the stored policy; {} returns to the defaults. ${PASSTHROUGH_DOC}`),
});
export type UpdateProviderBody = z.output<typeof updateProviderBody>;

export const providerView = z.object({
  id: z.string(),
  type: z.string(),
  baseUrl: z.string(),
  apiKeys: z.array(z.string()).describe('`env:NAME` as stored, sealed keys as `enc:v1:<key id>:…`; never a key.'),
  region: z.string().nullable(),
  options: z.record(z.string(), z.unknown()),
  passthrough: z.object({ allow: z.array(z.string()).optional(), deny: z.array(z.string()).optional() }),
  createdAt: timestampView,
  updatedAt: timestampView,
});
export type ProviderView = z.output<typeof providerView>;

const providerParams = z.strictObject({ providerId: slugId });
const TAG = 'providers';

export const listProviders = adminRoute({
  method: 'GET',
  path: '/providers',
  operationId: 'listProviders',
  summary: 'List upstream providers',
  tag: TAG,
  status: 200,
  response: z.object({ providers: z.array(providerView) }),
});

export const getProvider = adminRoute({
  method: 'GET',
  path: '/providers/{providerId}',
  operationId: 'getProvider',
  summary: 'Get a provider',
  tag: TAG,
  params: providerParams,
  status: 200,
  response: providerView,
});

export const createProvider = adminRoute({
  method: 'POST',
  path: '/providers',
  operationId: 'createProvider',
  summary: 'Create a provider',
  description:
    'Literal API keys are sealed with SWITCHYARD_SECRET_KEYS and refused (400) when the server has none. `env:` keys must start with SWITCHYARD_OUTBOUND_ENV_PREFIX (default SWITCHYARD_UPSTREAM_); baseUrl must be https (http only with SWITCHYARD_OUTBOUND_ALLOW_HTTP), without credentials, query or fragment, never a metadata or link-local address, and loopback or private only with SWITCHYARD_OUTBOUND_ALLOW_PRIVATE (400 otherwise).',
  tag: TAG,
  body: createProviderBody,
  status: 201,
  response: providerView,
});

export const updateProvider = adminRoute({
  method: 'PATCH',
  path: '/providers/{providerId}',
  operationId: 'updateProvider',
  summary: 'Change a provider',
  tag: TAG,
  params: providerParams,
  body: updateProviderBody,
  status: 200,
  response: providerView,
});

export const deleteProvider = adminRoute({
  method: 'DELETE',
  path: '/providers/{providerId}',
  operationId: 'deleteProvider',
  summary: 'Delete a provider no deployment uses',
  description: 'Refused with 409 while a deployment still uses it.',
  tag: TAG,
  params: providerParams,
  status: 200,
  response: z.object({ deleted: providerView }),
});
