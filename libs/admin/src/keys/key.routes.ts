import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { accessLimitFields, accessLimitsView, dateTime, slugId, timestampView, uuid } from '../schemas/common.schemas';

/** Thirty days: a longer overlap defeats the point of rotating. */
export const MAX_GRACE_SECONDS = 30 * 86_400;
export const DEFAULT_GRACE_SECONDS = 86_400;

const keyName = z.string().min(1).max(200).nullable().optional();
const expiresAt = dateTime.nullable().optional().describe('The key is refused from then on; null = never expires.');

export const createKeyBody = z.strictObject({ name: keyName, ...accessLimitFields, expiresAt });
export type CreateKeyBody = z.output<typeof createKeyBody>;
export const updateKeyBody = createKeyBody;
export type UpdateKeyBody = z.output<typeof updateKeyBody>;
export const rotateKeyBody = z.strictObject({
  graceSeconds: z
    .int()
    .min(0)
    .max(MAX_GRACE_SECONDS)
    .default(DEFAULT_GRACE_SECONDS)
    .describe('How long the replaced secret keeps working; 0 = it stops at once.'),
});

export const KEY_STATUSES = ['active', 'revoked', 'expired'] as const;

export const keyView = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string().nullable(),
  prefix: z.string().describe('The start of the secret, to recognise it: `sk-sy-` and its next 6 characters.'),
  status: z.enum(KEY_STATUSES),
  ...accessLimitsView,
  expiresAt: timestampView.nullable(),
  revokedAt: timestampView.nullable(),
  rotation: z
    .object({ previousPrefix: z.string(), previousExpiresAt: timestampView, previousActive: z.boolean() })
    .nullable()
    .describe('After a rotation: the replaced secret, accepted until previousExpiresAt.'),
  createdAt: timestampView,
  updatedAt: timestampView,
});
export type KeyView = z.output<typeof keyView>;

const keyWithSecret = z.object({
  key: keyView,
  secret: z.string().describe('The key itself (`sk-sy-…`). Shown only in this response: store it now; it cannot be read back.'),
});
export type KeyWithSecret = z.output<typeof keyWithSecret>;

const tenantParams = z.strictObject({ tenantId: slugId });
const keyParams = z.strictObject({ tenantId: slugId, keyId: uuid });
const TAG = 'keys';
/** A tenant admin manages its own tenant's keys. */
// A key's guardrails override its tenant's: a tenant admin may not loosen the platform's policy.
const access = { tenant: 'path:tenantId', platformFields: ['guardrails'] } as const;

export const listKeys = adminRoute({
  method: 'GET',
  path: '/tenants/{tenantId}/keys',
  operationId: 'listKeys',
  summary: "List a tenant's keys (never their secrets)",
  tag: TAG,
  params: tenantParams, access,
  status: 200,
  response: z.object({ keys: z.array(keyView) }),
});

export const getKey = adminRoute({ method: 'GET', path: '/tenants/{tenantId}/keys/{keyId}', operationId: 'getKey', summary: 'Get a key', tag: TAG, params: keyParams, access, status: 200, response: keyView });

export const createKey = adminRoute({
  method: 'POST',
  path: '/tenants/{tenantId}/keys',
  operationId: 'createKey',
  summary: 'Create a key; the response holds its secret, once',
  tag: TAG,
  params: tenantParams, access,
  body: createKeyBody,
  status: 201,
  response: keyWithSecret,
});

export const updateKey = adminRoute({
  method: 'PATCH',
  path: '/tenants/{tenantId}/keys/{keyId}',
  operationId: 'updateKey',
  summary: "Change a key's name, limits, expiry or metadata",
  description: 'Fields present replace the stored ones (lists and metadata as a whole); null clears.',
  tag: TAG,
  params: keyParams, access,
  body: updateKeyBody,
  status: 200,
  response: keyView,
});

export const revokeKey = adminRoute({
  method: 'POST',
  path: '/tenants/{tenantId}/keys/{keyId}/revoke',
  operationId: 'revokeKey',
  summary: 'Revoke a key (and the secret it replaced, if still in its grace period)',
  description: 'Idempotent: revoking a revoked key changes nothing.',
  tag: TAG,
  params: keyParams, access,
  status: 200,
  response: keyView,
});

export const rotateKey = adminRoute({
  method: 'POST',
  path: '/tenants/{tenantId}/keys/{keyId}/rotate',
  operationId: 'rotateKey',
  summary: 'Give a key a new secret; the old one keeps working for graceSeconds',
  description: 'A second rotation replaces the previous one: only the latest replaced secret is kept. The new secret is shown once.',
  tag: TAG,
  params: keyParams, access,
  body: rotateKeyBody,
  status: 200,
  response: keyWithSecret,
});

export const deleteKey = adminRoute({
  method: 'DELETE',
  path: '/tenants/{tenantId}/keys/{keyId}',
  operationId: 'deleteKey',
  summary: 'Delete a key',
  tag: TAG,
  params: keyParams, access,
  status: 200,
  response: z.object({ deleted: keyView }),
});
