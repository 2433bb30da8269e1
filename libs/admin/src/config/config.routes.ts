import { CONFIG_ENTITIES } from '@switchyard/db';
import { z } from 'zod';
import { adminRoute } from '../http/admin-route';

const configState = z.record(z.string(), z.unknown());

export const applyConfigBody = z.strictObject({
  config: z.string().min(1).max(4 * 1024 * 1024).describe('The whole switchyard.yaml, as text.'),
  source: z.string().min(1).max(200).regex(/^[^/\\]+$/).default('switchyard.yaml').describe('The file name, as 409s and messages name it (no directory).'),
  dryRun: z.boolean().default(false).describe('Report what would change and write nothing (a read-only transaction).'),
});

export const configChangeView = z.object({
  entity: z.enum(CONFIG_ENTITIES),
  id: z.string(),
  action: z.enum(['create', 'update', 'delete', 'unchanged']),
  before: configState.optional(),
  after: configState.optional(),
  note: z.string().optional(),
});

export const applyConfigFile = adminRoute({
  method: 'POST',
  path: '/config/apply',
  operationId: 'applyConfig',
  summary: 'Apply a switchyard.yaml to the running gateway, answering the diff',
  description:
    "What `switchyard apply --server URL` sends: the file is checked as at start (schema, cross-checks under this server's outbound policy, its tenant keys' `env:` references in this server's environment) and applied with its `configOwnership` rules; the answer lists every change (the same redacted states the audit rows get). With `dryRun` nothing is written, so a diff can be previewed against a standalone whose embedded database only the server may open.",
  tag: 'config',
  body: applyConfigBody,
  status: 200,
  response: z.object({ dryRun: z.boolean(), changes: z.array(configChangeView) }),
});
