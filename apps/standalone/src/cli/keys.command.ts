import { loadSwitchyardEnv } from '@switchyard/config';
import { AdminApiClient } from './admin-api.client';
import type { AdminTarget, CliOutput, KeyCreateOptions, KeyRevokeOptions, KeyRotateOptions } from './cli-handlers.types';

// `switchyard keys create|revoke|rotate`: the admin API's key routes (libs/admin/src/keys), so
// they work the same against standalone (whose embedded database only it may open) and a cluster.

/** The part of the admin API's key view the CLI prints. */
interface KeyView {
  id: string;
  tenantId: string;
  name: string | null;
  prefix: string;
  status: string;
  rotation: { previousPrefix: string; previousExpiresAt: string } | null;
}

interface KeyWithSecret {
  key: KeyView;
  secret: string;
}

/** The admin API client for `target`, its token from --token or SWITCHYARD_ADMIN_TOKEN. */
export function adminClient(target: AdminTarget, env: NodeJS.ProcessEnv = process.env): AdminApiClient {
  const token = target.token ?? loadSwitchyardEnv(env).SWITCHYARD_ADMIN_TOKEN;
  if (!token) throw new Error('no admin token: set SWITCHYARD_ADMIN_TOKEN (or pass --token)');
  return new AdminApiClient(target, token);
}

const keysPath = (tenant: string) => `/tenants/${encodeURIComponent(tenant)}/keys`;

export async function runKeysCreate(options: KeyCreateOptions, output: CliOutput, client = adminClient(options.admin)): Promise<number> {
  const budget = options.dailyUsd === undefined && options.monthlyUsd === undefined ? undefined : { dailyUsd: options.dailyUsd, monthlyUsd: options.monthlyUsd };
  const body = {
    name: options.name,
    rpm: options.rpm,
    tpm: options.tpm,
    concurrency: options.concurrency,
    models: options.models,
    budget,
    expiresAt: options.expiresAt,
  };
  const created = await client.post<KeyWithSecret>(keysPath(options.tenant), body);
  if (options.json) output.out(`${JSON.stringify(created, null, 2)}\n`);
  else output.out(`created key ${describe(created.key)}\n${secretLines(created.secret)}`);
  return 0;
}

export async function runKeysRevoke(options: KeyRevokeOptions, output: CliOutput, client = adminClient(options.admin)): Promise<number> {
  const key = await client.post<KeyView>(`${keysPath(options.tenant)}/${encodeURIComponent(options.keyId)}/revoke`);
  output.out(options.json ? `${JSON.stringify(key, null, 2)}\n` : `revoked key ${describe(key)}\n`);
  return 0;
}

export async function runKeysRotate(options: KeyRotateOptions, output: CliOutput, client = adminClient(options.admin)): Promise<number> {
  const body = options.graceSeconds === undefined ? {} : { graceSeconds: options.graceSeconds };
  const rotated = await client.post<KeyWithSecret>(`${keysPath(options.tenant)}/${encodeURIComponent(options.keyId)}/rotate`, body);
  if (options.json) {
    output.out(`${JSON.stringify(rotated, null, 2)}\n`);
    return 0;
  }
  const previous = rotated.key.rotation;
  const grace = previous ? `; the old secret ${previous.previousPrefix}… works until ${previous.previousExpiresAt}` : '';
  output.out(`rotated key ${describe(rotated.key)}${grace}\n${secretLines(rotated.secret)}`);
  return 0;
}

function describe(key: KeyView): string {
  return `${key.id} (${key.prefix}…${key.name ? `, "${key.name}"` : ''}) of tenant ${key.tenantId}: ${key.status}`;
}

// Printed once: the admin API cannot show it again.
function secretLines(secret: string): string {
  return `secret (shown once, store it now):\n${secret}\n`;
}
