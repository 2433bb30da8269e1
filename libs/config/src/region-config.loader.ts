import { existsSync } from 'node:fs';
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
