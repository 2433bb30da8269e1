import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIMULATOR_OUTBOUND_ENV } from './process-harness';

export const TEST_KEY = 'sk-test-acme-0123456789abcdef0123456789';
export const OTHER_MODEL_KEY = 'sk-test-limited-0123456789abcdef0123456789';
/** A key usable only from 10.0.0.0/8: the tests connect from 127.0.0.1. */
export const OFFICE_ONLY_KEY = 'sk-test-office-0123456789abcdef0123456789';
export const PUBLIC_MODEL = 'gpt-test';
export const UPSTREAM_MODEL = 'sim-upstream-model';

/**
 * A switchyard.yaml pointing one model at the provider simulator; returns its path.
 * `extraTenants`: more `tenants` list items, as YAML; `ownership`: its configOwnership (`seed`
 * for a test that changes what the file declares through the admin API).
 */
export function writeGatewayConfig(simulatorUrl: string, port = 8080, extraTenants = '', ownership: 'file' | 'seed' = 'file'): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-e2e-'));
  const path = join(dir, 'switchyard.yaml');
  writeFileSync(
    path,
    `configOwnership: ${ownership}
server: { port: ${port} }
routing: { retries: 1, timeouts: { connectMs: 2000, firstTokenMs: 5000, totalMs: 20000 } }
providers:
  - id: sim
    type: openai
    baseUrl: ${simulatorUrl}/v1
    apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY]
models:
  - name: ${PUBLIC_MODEL}
    deployments:
      - { provider: sim, model: ${UPSTREAM_MODEL}, weight: 1 }
    price: { inputPerMTok: 1.5, outputPerMTok: 6 }
  - name: other-model
    deployments:
      - { provider: sim, model: other-upstream, weight: 1 }
tenants:
  - id: acme
    keys:
      - { key: env:ACME_KEY, models: ['gpt-*'] }
      - { key: ${OTHER_MODEL_KEY}, models: [other-model] }
      - { key: ${OFFICE_ONLY_KEY}, ips: [10.0.0.0/8] }
${extraTenants}`,
  );
  return path;
}

/** The environment the gateway needs for this config: its key variables and the simulator's outbound settings. */
export const GATEWAY_SECRETS = { ...SIMULATOR_OUTBOUND_ENV, SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-upstream-secret', ACME_KEY: TEST_KEY };
