import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIMULATOR_OUTBOUND_ENV } from './process-harness';

// The gateway configuration of the translation matrix: one provider of each family, all three
// served by the same ProviderSimulator, and one public model per family. Each provider builds
// its own URL from its base (libs/providers/src/*/*.request.ts): OpenAI appends
// /chat/completions to a base that already ends in /v1, Anthropic adds /v1/messages, Gemini
// adds /v1beta/models/{model}:{method}.

export const MATRIX_KEY = 'sk-test-matrix-0123456789abcdef0123456789';
/** The key variables, and the outbound settings the simulator (plain http on loopback) needs. */
export const MATRIX_SECRETS = {
  ...SIMULATOR_OUTBOUND_ENV,
  MATRIX_KEY,
  SWITCHYARD_UPSTREAM_SIM_OPENAI_KEY: 'sk-sim-openai',
  SWITCHYARD_UPSTREAM_SIM_ANTHROPIC_KEY: 'sk-ant-sim',
  SWITCHYARD_UPSTREAM_SIM_GEMINI_KEY: 'gm-sim',
};

/**
 * The upstream families of the matrix: OpenAI over Chat Completions (`openai`) and over the
 * Responses API (`responses`, options.api: responses), Azure OpenAI (`azure`, a dated
 * api-version: the deployment in the path), an OpenAI-compatible vendor (`compat`, DeepSeek's
 * profile), Anthropic and Gemini. The first four are the simulator's `openai` provider, told
 * apart by the model each asks for.
 */
export type UpstreamFamily = 'openai' | 'responses' | 'azure' | 'compat' | 'anthropic' | 'gemini';

/** The simulator provider (wire family) that serves an upstream family. */
export const SIMULATED: Readonly<Record<UpstreamFamily, 'openai' | 'anthropic' | 'gemini'>> = {
  openai: 'openai',
  responses: 'openai',
  azure: 'openai',
  compat: 'openai',
  anthropic: 'anthropic',
  gemini: 'gemini',
};

/** Public chat model per upstream family, and the model each deployment asks the upstream for. */
export const CHAT_MODELS: Readonly<Record<UpstreamFamily, { public: string; upstream: string }>> = {
  openai: { public: 'm-openai', upstream: 'gpt-4o' },
  responses: { public: 'm-responses', upstream: 'o4-mini' },
  azure: { public: 'm-azure', upstream: 'azure-gpt-4o' },
  compat: { public: 'm-compat', upstream: 'deepseek-chat' },
  anthropic: { public: 'm-anthropic', upstream: 'claude-sonnet-4-6' },
  // A Gemini 3 model: the simulator then insists on thought signatures being replayed, as the API does.
  gemini: { public: 'm-gemini', upstream: 'gemini-3-pro-preview' },
};

/** Embedding models (Anthropic has no embeddings API). */
export const EMBED_MODELS: Readonly<Record<'openai' | 'gemini', { public: string; upstream: string }>> = {
  openai: { public: 'e-openai', upstream: 'text-embedding-3-small' },
  gemini: { public: 'e-gemini', upstream: 'gemini-embedding-001' },
};

/** The matrix's one tenant and key, as a `tenants:` section. */
const MATRIX_TENANTS = `tenants:
  - id: matrix
    keys:
      - { key: env:MATRIX_KEY, models: ['*'] }
`;

/** Writes the matrix's switchyard.yaml and returns its path; `tenants` replaces its tenants section. */
export function writeMatrixConfig(simulatorUrl: string, tenants = MATRIX_TENANTS): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-matrix-'));
  const path = join(dir, 'switchyard.yaml');
  const model = (name: string, provider: string, upstream: string): string =>
    `  - name: ${name}\n    deployments:\n      - { provider: ${provider}, model: ${upstream}, weight: 1 }\n`;
  writeFileSync(
    path,
    `server: { port: 8080 }
# No retries: every cell sees exactly one upstream attempt, so errors reach the client as the
# upstream sent them and the recorded requests map one to one onto client calls.
routing: { retries: 0, timeouts: { connectMs: 2000, firstTokenMs: 5000, totalMs: 20000 } }
# api: chat: the OpenAI column is Chat Completions for every client dialect (without it a
# Responses-API client would be answered through the Responses API); sim-responses is the
# Responses-API column for every client dialect.
providers:
  - { id: sim-openai, type: openai, baseUrl: '${simulatorUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_OPENAI_KEY], options: { api: chat } }
  - { id: sim-anthropic, type: anthropic, baseUrl: '${simulatorUrl}', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_ANTHROPIC_KEY] }
  - { id: sim-gemini, type: gemini, baseUrl: '${simulatorUrl}', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_GEMINI_KEY] }
  - { id: sim-responses, type: openai, baseUrl: '${simulatorUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_OPENAI_KEY], options: { api: responses } }
  - { id: sim-azure, type: azure-openai, baseUrl: '${simulatorUrl}', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_OPENAI_KEY], options: { apiVersion: '2024-10-21' } }
  - { id: sim-compat, type: openai-compatible, baseUrl: '${simulatorUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_OPENAI_KEY], options: { vendor: deepseek } }
models:
${model(CHAT_MODELS.openai.public, 'sim-openai', CHAT_MODELS.openai.upstream)}${model(CHAT_MODELS.anthropic.public, 'sim-anthropic', CHAT_MODELS.anthropic.upstream)}${model(CHAT_MODELS.gemini.public, 'sim-gemini', CHAT_MODELS.gemini.upstream)}${model(CHAT_MODELS.responses.public, 'sim-responses', CHAT_MODELS.responses.upstream)}${model(CHAT_MODELS.azure.public, 'sim-azure', CHAT_MODELS.azure.upstream)}${model(CHAT_MODELS.compat.public, 'sim-compat', CHAT_MODELS.compat.upstream)}${model(EMBED_MODELS.openai.public, 'sim-openai', EMBED_MODELS.openai.upstream)}${model(EMBED_MODELS.gemini.public, 'sim-gemini', EMBED_MODELS.gemini.upstream)}${tenants}`,
  );
  return path;
}
