import { refuseBaseUrl, refuseUpstreamKeyRef, type OutboundPolicy } from '@switchyard/config';
import { AdminError } from '../http/admin.error';

/**
 * The outbound policy at write time (docs/architecture.md §4, "Outbound policy"): a provider the
 * adapter would refuse to call, or whose `env:` key names a variable outside the upstream
 * prefix (the sealing keys, the admin token), is a 400 naming the field. Only what the body
 * sets is checked.
 */
export function checkProviderOutbound(body: { baseUrl?: string; apiKeys?: readonly string[] }, policy: OutboundPolicy): void {
  const problems: string[] = [];
  if (body.baseUrl !== undefined) {
    const refused = refuseBaseUrl(body.baseUrl, policy);
    if (refused !== undefined) problems.push(`baseUrl: ${refused}`);
  }
  body.apiKeys?.forEach((ref, i) => {
    const refused = refuseUpstreamKeyRef(ref, policy.envPrefix);
    if (refused !== undefined) problems.push(`apiKeys[${i}]: ${refused}`);
  });
  if (problems.length > 0) throw AdminError.invalid(problems.join('; '));
}
