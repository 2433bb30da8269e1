import { Logger } from '@nestjs/common';
import { type SwitchyardConfig, type SwitchyardEnv, enforceEnvReferences, loadConfigFile, outboundPolicyOf, validateConfig, withoutUnresolvedTenantKeys } from '@switchyard/config';
import { existsSync } from 'node:fs';

/**
 * The configuration to start with: SWITCHYARD_CONFIG (default ./switchyard.yaml). A missing
 * default file is not an error: Switchyard starts empty and is configured through the admin API.
 * An `env:` reference that does not resolve stops the start naming the variable, unless
 * SWITCHYARD_ALLOW_UNRESOLVED_ENV (then a warning per variable; unresolved tenant keys are left out).
 */
export async function loadStartupConfig(env: SwitchyardEnv): Promise<{ config: SwitchyardConfig; source: string }> {
  const path = env.SWITCHYARD_CONFIG;
  const outbound = outboundPolicyOf(env);
  if (!existsSync(path)) {
    if (process.env['SWITCHYARD_CONFIG']) throw new Error(`SWITCHYARD_CONFIG: file not found: ${path}`);
    new Logger('Switchyard').warn(`no ${path}: starting with an empty catalogue (see switchyard.example.yaml)`);
    return { config: validateConfig({}, 'defaults', { outbound }), source: 'defaults' };
  }
  const config = await loadConfigFile(path, { outbound });
  const allowUnresolved = env.SWITCHYARD_ALLOW_UNRESOLVED_ENV;
  const warnings = enforceEnvReferences(config, path, { allowUnresolved, skipAdminToken: env.SWITCHYARD_ADMIN_TOKEN !== undefined });
  for (const warning of warnings) new Logger('config').warn(warning);
  return { config: allowUnresolved ? withoutUnresolvedTenantKeys(config) : config, source: path };
}
