import type { DependencyProbe } from './dependency-health.monitor';
import type { GrpcPortClient } from './grpc-port.client';

/** Well under the monitor's timeout: a peer that is up connects in a few ms. */
const CONNECT_WAIT_MS = 1_000;

/** A channel this service calls (the router's adapters) counts as up while it connects. */
export function channelHealthProbe(name: string, client: GrpcPortClient): DependencyProbe {
  return { name, check: () => client.waitForReady(CONNECT_WAIT_MS).then(() => true) };
}
