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
