import { ConfigError } from '../config.error';
import { formatPath } from '../config-issue.formatter';
import { envVariableOf, resolveSecret } from '../secret-ref.resolver';
import type { SwitchyardConfig } from '../switchyard-config.types';

/**
 * The setting that lets a file with unresolved `env:` references start anyway (issue 19). Off by
 * default: a missing variable used to send an upstream key out empty (a 502 "upstream returned
 * 401" for the client) or turn the admin API off, with no word at start.
 */
export const ALLOW_UNRESOLVED_ENV = 'SWITCHYARD_ALLOW_UNRESOLVED_ENV';

/** One `env:NAME` reference of the file and where it is (`providers[0].apiKeys[1]`). */
export interface EnvReference {
  readonly variable: string;
  readonly path: string;
}

export interface EnvReferenceOptions {
  /** Where `env:NAME` is read; the process's environment by default. */
  env?: NodeJS.ProcessEnv;
  /**
   * `server.adminToken` is not read, so its reference needs no variable: SWITCHYARD_ADMIN_TOKEN
   * is set (the environment wins), or the command (apply) has no admin API.
   */
  skipAdminToken?: boolean;
  /**
   * Upstream keys are not read either: `apply` stores their references, and the processes that
   * call upstreams (the adapters, or a standalone serve) resolve them. A cluster's hook Job has
   * no upstream key, by design (each adapter gets only its own family's).
   */
  skipUpstreamKeys?: boolean;
}

/** Every `env:` reference in the file, in file order: the admin token, upstream keys, tenant keys. */
export function envReferencesOf(config: SwitchyardConfig, options: Pick<EnvReferenceOptions, 'skipAdminToken' | 'skipUpstreamKeys'> = {}): EnvReference[] {
  const refs: { ref: string; path: PropertyKey[] }[] = [];
  if (config.server.adminToken !== undefined && !options.skipAdminToken) refs.push({ ref: config.server.adminToken, path: ['server', 'adminToken'] });
  if (!options.skipUpstreamKeys) config.providers.forEach((provider, i) => provider.apiKeys.forEach((ref, j) => refs.push({ ref, path: ['providers', i, 'apiKeys', j] })));
  config.tenants.forEach((tenant, i) => tenant.keys.forEach(({ key }, j) => refs.push({ ref: key, path: ['tenants', i, 'keys', j, 'key'] })));
  return refs.flatMap(({ ref, path }) => {
    const variable = envVariableOf(ref);
    return variable === undefined ? [] : [{ variable, path: formatPath(path) }];
  });
}

/** The references whose variable is unset or empty (an empty key is never a usable credential). */
export function unresolvedEnvReferences(config: SwitchyardConfig, options: EnvReferenceOptions = {}): EnvReference[] {
  const env = options.env ?? process.env;
  return envReferencesOf(config, options).filter(({ variable }) => resolveSecret(`env:${variable}`, env) === undefined);
}

/** One line per missing variable, naming every place that needs it. */
export function describeUnresolved(sourceName: string, unresolved: readonly EnvReference[]): string[] {
  const byVariable = new Map<string, string[]>();
  for (const { variable, path } of unresolved) byVariable.set(variable, [...(byVariable.get(variable) ?? []), path]);
  return [...byVariable].map(([variable, paths]) => `${sourceName}: environment variable ${variable} is not set (needed by ${paths.join(', ')})`);
}

/**
 * Before a start or an apply: every `env:` reference must resolve, or the whole list stops it
 * as a {@link ConfigError}. With `allowUnresolved` ({@link ALLOW_UNRESOLVED_ENV}) the same lines
 * come back as warnings for the caller to log, loudly, and the start goes on.
 */
export function enforceEnvReferences(config: SwitchyardConfig, sourceName: string, options: EnvReferenceOptions & { allowUnresolved: boolean }): string[] {
  const unresolved = unresolvedEnvReferences(config, options);
  if (unresolved.length === 0) return [];
  const lines = describeUnresolved(sourceName, unresolved);
  if (!options.allowUnresolved) {
    throw new ConfigError([...lines, `set ${unresolved.length === 1 ? 'it' : 'them'}, or set ${ALLOW_UNRESOLVED_ENV}=true to start anyway (see docs/architecture.md §4)`]);
  }
  return [
    ...lines,
    `${ALLOW_UNRESOLVED_ENV}=true: starting anyway; upstream keys above go out empty, an unresolved admin token leaves the admin API off, and tenant keys above are skipped (what is stored for them is left as it is)`,
  ];
}

/**
 * The file without the tenant keys whose reference does not resolve, for a start allowed to go
 * on ({@link ALLOW_UNRESOLVED_ENV}): a key missing from the file is left alone by apply, which is
 * what a key nobody can resolve should be; apply would otherwise stop on it.
 */
export function withoutUnresolvedTenantKeys(config: SwitchyardConfig, env: NodeJS.ProcessEnv = process.env): SwitchyardConfig {
  return {
    ...config,
    tenants: config.tenants.map((tenant) => ({ ...tenant, keys: tenant.keys.filter(({ key }) => resolveSecret(key, env) !== undefined) })),
  };
}
