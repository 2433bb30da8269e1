import { OutboundPolicy, RoutingConfig, loadConfigFile } from '@switchyard/config';
import { existsSync } from 'node:fs';

/** Retries and timeouts come from the `routing` section of switchyard.yaml when it is mounted. */
export async function loadRoutingConfig(path: string, outbound: OutboundPolicy): Promise<RoutingConfig | undefined> {
  return existsSync(path) ? (await loadConfigFile(path, { outbound })).routing : undefined;
}
