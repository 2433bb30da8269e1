import { existsSync } from 'node:fs';
import { ConfigError } from './config.error';
import { envVariableOf, resolveSecret } from './secret-ref.resolver';
import type { OutboundPolicy } from './outbound/outbound-policy.types';
import { loadConfigFile } from './switchyard-config.loader';
import type { RegionConfig } from './switchyard-config.types';

/** A region that declares nothing: no peers, models never make it unready, no spill-over. */
export const NO_REGION_CONFIG: RegionConfig = { peers: [], readiness: { minUsableModelShare: 0 }, spillover: { enabled: false } };

/**
 * For the cluster services that do not apply the file (the ingress, the router): this region's
 * name (`server.region`) and its `region` section, from switchyard.yaml when it is mounted.
 */
export async function loadRegionConfig(path: string, outbound: OutboundPolicy): Promise<{ name: string | undefined; region: RegionConfig }> {
  if (!existsSync(path)) return { name: undefined, region: NO_REGION_CONFIG };
  const config = await loadConfigFile(path, { outbound });
  return { name: config.server.region, region: config.region ?? NO_REGION_CONFIG };
}

/** A peer whose link secret was read from the environment. */
export interface ResolvedPeer {
  name: string;
  url: string;
  credential: string;
}

// A link secret is as strong as an admin token: a peer that knows it may name any key by its hash.
const MIN_PEER_CREDENTIAL_LENGTH = 32;

/** The peers with their secrets; a missing or short secret stops the start, naming the variable (never the value). */
export function resolvePeers(region: RegionConfig, source: string, env: NodeJS.ProcessEnv = process.env): ResolvedPeer[] {
  const problems: string[] = [];
  const peers = region.peers.map((peer, i) => {
    const variable = envVariableOf(peer.credential) ?? peer.credential;
    const credential = resolveSecret(peer.credential, env) ?? '';
    if (!credential) problems.push(`${source}: region.peers[${i}].credential: environment variable ${variable} is not set`);
    else if ([...credential].length < MIN_PEER_CREDENTIAL_LENGTH) problems.push(`${source}: region.peers[${i}].credential: ${variable} must be at least ${MIN_PEER_CREDENTIAL_LENGTH} characters; generate one, e.g. $(openssl rand -hex 24)`);
    return { name: peer.name, url: peer.url.replace(/\/+$/, ''), credential };
  });
  if (problems.length) throw new ConfigError(problems);
  return peers;
}
