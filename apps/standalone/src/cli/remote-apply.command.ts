import type { ConfigChange } from '@switchyard/db';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { formatConfigChanges } from '../config-diff.format';
import type { AdminApiClient } from './admin-api.client';
import type { AdminTarget, CliOutput } from './cli-handlers.types';
import { adminClient } from './keys.command';

/**
 * `switchyard apply -f FILE --server URL [--dry-run]`: the running server applies the file
 * (POST /admin/v1/config/apply) and answers the diff, printed as a local apply prints it. This
 * is how a running standalone is previewed or changed: only its own process may open its
 * embedded database.
 */
export async function runRemoteApply(options: { file: string; dryRun: boolean; server: AdminTarget }, output: CliOutput, client: AdminApiClient = adminClient(options.server)): Promise<number> {
  const config = await readFile(options.file, 'utf8');
  const answer = await client.post<{ dryRun: boolean; changes: ConfigChange[] }>('/config/apply', { config, source: basename(options.file), dryRun: options.dryRun });
  for (const line of formatConfigChanges(answer.changes, { dryRun: answer.dryRun })) output.out(`${line}\n`);
  return 0;
}
