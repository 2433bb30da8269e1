import { SecretError, isSealedRef, providerKeyContext, sealUpstreamKey, type SecretBox } from '@switchyard/config';
import { AdminError } from '../http/admin.error';

/**
 * What to store for the upstream keys an operator sent: `env:NAME` as written, sealed values as
 * given (format checked), literals sealed for this provider. A literal without a secret box is
 * refused rather than stored in clear. A literal already stored (sealed with the current key)
 * keeps its sealed value, so re-sending the same keys changes nothing.
 */
export function sealProviderKeys(providerId: string, refs: readonly string[], box: SecretBox | undefined, previous: readonly string[] = []): string[] {
  return refs.map((ref, i) => {
    const literal = !ref.startsWith('env:') && !isSealedRef(ref);
    if (literal && !box) {
      throw AdminError.invalid(
        `apiKeys[${i}]: a literal key is stored only sealed, and this server has no SWITCHYARD_SECRET_KEYS; set it, or pass the key as env:NAME`,
      );
    }
    try {
      return sealUpstreamKey(ref, box, providerKeyContext(providerId), previous);
    } catch (error) {
      if (error instanceof SecretError) throw AdminError.invalid(`apiKeys[${i}]: ${error.message}`);
      throw error;
    }
  });
}
