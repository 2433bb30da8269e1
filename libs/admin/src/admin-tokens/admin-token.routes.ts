import { z } from 'zod';
import { adminRoute } from '../http/admin-route';
import { ADMIN_ROLES } from '../roles/admin-principal';
import { slugId, timestampView, uuid } from '../schemas/common.schemas';

/** The token's name is its audit actor (`token:<name>`): as tight as the x-switchyard-actor label. */
const tokenName = z
  .string()
  .regex(/^[A-Za-z0-9._@+-]{1,64}$/, { error: 'expected 1-64 letters, digits or . _ @ + -' })
  .describe('Unique for ever (revoked tokens keep theirs): the audit log records its actions as `token:<name>`.');

export const createAdminTokenBody = z
  .strictObject({
    name: tokenName,
    role: z.enum(ADMIN_ROLES).describe('`platform`: everything; `tenant`: one tenant\'s keys, usage and audit rows; `read-only`: every read, no change.'),
    tenantId: slugId.optional().describe('The tenant a `tenant` token administers; only for that role.'),
  })
  .refine((b) => (b.role === 'tenant') === (b.tenantId !== undefined), { error: 'tenantId: required for role tenant, and only for it', path: ['tenantId'] });
export type CreateAdminTokenBody = z.output<typeof createAdminTokenBody>;

export const adminTokenView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ADMIN_ROLES),
  tenantId: z.string().nullable(),
  prefix: z.string().describe('The start of the secret, to recognise it: `sy-admin-` and its next 6 characters.'),
  status: z.enum(['active', 'revoked']),
  createdAt: timestampView,
  revokedAt: timestampView.nullable(),
});
export type AdminTokenView = z.output<typeof adminTokenView>;

const tokenWithSecret = z.object({
  token: adminTokenView,
  secret: z.string().describe('The bearer token itself (`sy-admin-…`). Shown only in this response: store it now; it cannot be read back.'),
});
export type AdminTokenWithSecret = z.output<typeof tokenWithSecret>;

const tokenParams = z.strictObject({ tokenId: uuid });
const TAG = 'admin-tokens';

export const listAdminTokens = adminRoute({
  method: 'GET',
  path: '/admin-tokens',
  operationId: 'listAdminTokens',
  summary: 'List named admin tokens, revoked ones included (never their secrets)',
  tag: TAG,
  status: 200,
  response: z.object({ tokens: z.array(adminTokenView) }),
});

export const getAdminToken = adminRoute({ method: 'GET', path: '/admin-tokens/{tokenId}', operationId: 'getAdminToken', summary: 'Get a named admin token', tag: TAG, params: tokenParams, status: 200, response: adminTokenView });

export const createAdminToken = adminRoute({
  method: 'POST',
  path: '/admin-tokens',
  operationId: 'createAdminToken',
  summary: 'Create a named admin token with a role; the response holds its secret, once',
  tag: TAG,
  body: createAdminTokenBody,
  status: 201,
  response: tokenWithSecret,
});

export const revokeAdminToken = adminRoute({
  method: 'DELETE',
  path: '/admin-tokens/{tokenId}',
  operationId: 'revokeAdminToken',
  summary: 'Revoke a named admin token',
  description: 'Refused on every replica within about a second (every region within one change-feed poll). The row stays, revoked, so the audit log keeps naming it. Idempotent.',
  tag: TAG,
  params: tokenParams,
  status: 200,
  response: z.object({ revoked: adminTokenView }),
});
