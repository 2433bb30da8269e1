import {
  ConfigError,
  MIN_ADMIN_TOKEN_LENGTH,
  type SwitchyardConfig,
  type SwitchyardEnv,
  adminTokenTooShort,
  describeUnresolved,
  loadConfigFile,
  loadSwitchyardEnv,
  outboundPolicyOf,
  resolveSecret,
  unresolvedEnvReferences,
  secretBoxWarnings,
  withoutUnresolvedTenantKeys,
} from '@switchyard/config';
import { resolveKeys } from '@switchyard/db';
import type { CliOutput, ValidateOptions } from './cli-handlers.types';

/** What `switchyard validate` found: problems stop a start or an apply, warnings do not. */
export interface ValidateFindings {
  problems: string[];
  warnings: string[];
  /** The file's contents, counted, when it parsed. */
  summary?: string;
}

/**
 * `switchyard validate -f FILE`: everything `apply` and a start would check, without a
 * database — the schema (with `options.vendor` among the vendor profiles) and the cross-checks
 * under this process's outbound policy; every `env:` reference resolving, named when not; the
 * resolved tenant keys long enough and distinct; the admin token long enough. Exit 0 when the
 * file would be taken, 1 otherwise.
 */
export async function runValidateCommand({ file }: ValidateOptions, output: CliOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const findings = await validateFile(file, loadSwitchyardEnv(env), env);
  for (const warning of findings.warnings) output.err(`warning: ${warning}\n`);
  for (const problem of findings.problems) output.err(`${problem}\n`);
  if (findings.problems.length > 0) {
    output.err(`${file}: ${findings.problems.length} problem${findings.problems.length === 1 ? '' : 's'}; not valid\n`);
    return 1;
  }
  output.out(`${file}: valid (${findings.summary ?? 'empty'})\n`);
  return 0;
}

export async function validateFile(file: string, settings: SwitchyardEnv, env: NodeJS.ProcessEnv): Promise<ValidateFindings> {
  let config: SwitchyardConfig;
  try {
    config = await loadConfigFile(file, { outbound: outboundPolicyOf(settings) });
  } catch (error) {
    // A malformed file: its own findings are the whole story, the rest would be noise.
    if (error instanceof ConfigError) return { problems: [...error.problems], warnings: [] };
    throw error;
  }
  const problems: string[] = [];
  const warnings = secretBoxWarnings(config, settings.SWITCHYARD_SECRET_KEYS);
  const adminTokenFromEnv = settings.SWITCHYARD_ADMIN_TOKEN !== undefined;
  const unresolved = describeUnresolved(file, unresolvedEnvReferences(config, { env, skipAdminToken: adminTokenFromEnv }));
  if (settings.SWITCHYARD_ALLOW_UNRESOLVED_ENV) warnings.push(...unresolved.map((line) => `${line} (SWITCHYARD_ALLOW_UNRESOLVED_ENV=true: the start goes on)`));
  else problems.push(...unresolved);
  try {
    resolveKeys(withoutUnresolvedTenantKeys(config, env).tenants, (ref) => resolveSecret(ref, env));
  } catch (error) {
    problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const fileToken = !adminTokenFromEnv && config.server.adminToken !== undefined ? resolveSecret(config.server.adminToken, env) : undefined;
  if (fileToken !== undefined && [...fileToken].length < MIN_ADMIN_TOKEN_LENGTH) problems.push(`${file}: server.adminToken: ${adminTokenTooShort(fileToken)}`);
  return { problems, warnings, summary: summarise(config) };
}

function summarise(config: SwitchyardConfig): string {
  const keys = config.tenants.reduce((n, tenant) => n + tenant.keys.length, 0);
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return [count(config.providers.length, 'provider'), count(config.models.length, 'model'), count(config.tenants.length, 'tenant'), count(keys, 'key')].join(', ');
}
