import { envVariableOf } from '../secret-ref.resolver';
import type { SwitchyardConfig } from '../switchyard-config.types';
import type { SecretBox } from './secret-box';
import { isSealedRef } from './sealed-value.format';
import { SECRET_KEYS_ENV } from './secret-keys.parser';

/**
 * One warning per provider whose file gives literal upstream keys while no secret box is set:
 * `applyConfig` then stores them in clear (kept for compatibility). Names the provider and how
 * many keys, never a value.
 */
export function unsealedUpstreamKeyWarnings(config: Pick<SwitchyardConfig, 'providers'>, box: SecretBox | undefined): string[] {
  if (box) return [];
  return config.providers.flatMap((provider) => {
    const literals = provider.apiKeys.filter((ref) => envVariableOf(ref) === undefined && !isSealedRef(ref)).length;
    if (literals === 0) return [];
    const keys = literals === 1 ? 'a literal upstream key' : `${literals} literal upstream keys`;
    return [`provider "${provider.id}": ${keys} will be stored unsealed (in clear) in the database; set ${SECRET_KEYS_ENV} to seal it, or use env:NAME`];
  });
}

/**
 * What the secret box's absence costs the file's settings (start, validate, apply, reload): literal
 * upstream keys stored in clear, and tenants asking for audit body capture, which keeps bodies only
 * sealed and so keeps none without a box.
 */
export function secretBoxWarnings(config: Pick<SwitchyardConfig, 'providers' | 'tenants'>, box: SecretBox | undefined): string[] {
  if (box) return [];
  const capture = config.tenants
    .filter((t) => t.audit?.captureBodies)
    .map((t) => `tenant "${t.id}": audit.captureBodies is on, but request bodies are only kept sealed and ${SECRET_KEYS_ENV} is not set: none will be captured`);
  return [...unsealedUpstreamKeyWarnings(config, box), ...capture];
}
