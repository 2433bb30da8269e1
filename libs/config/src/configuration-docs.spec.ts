import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENAI_VENDORS, PROVIDER_IDS } from '@switchyard/providers';
import { parseConfig } from './switchyard-config.loader';
import { loadSwitchyardEnv, outboundPolicyOf } from './switchyard-env.schema';

// docs/configuration.md documents every field with examples: each of its yaml blocks must load
// through the validator, so the page cannot rot.
const DOC = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'configuration.md'), 'utf8');
const BLOCKS = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
// The vLLM example is a private http address: allowed as a self-hosted server would be.
const outbound = outboundPolicyOf(loadSwitchyardEnv({ SWITCHYARD_OUTBOUND_ALLOW_HTTP: 'true', SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: 'true' }));

describe('docs/configuration.md', () => {
  it.each(BLOCKS.map((text) => [text.split('\n')[0] as string, text]))('%s loads through the validator', (_title, text) => {
    expect(() => parseConfig(text, 'docs/configuration.md', { outbound })).not.toThrow();
  });

  it('shows one provider of every type, and DeepSeek, Qwen and vLLM through their vendor profiles', () => {
    const providers = BLOCKS.flatMap((text) => parseConfig(text, 'docs/configuration.md', { outbound }).providers);
    expect(new Set(providers.map((p) => p.type))).toEqual(new Set(PROVIDER_IDS));
    expect(providers.map((p) => p.options?.['vendor']).filter(Boolean)).toEqual(['deepseek', 'qwen', 'vllm']);
  });

  it('names every vendor profile and every top-level section', () => {
    for (const vendor of OPENAI_VENDORS) expect(DOC).toContain(`\`${vendor}\``);
    for (const section of ['configOwnership', 'server', 'routing', 'providers', 'models', 'tenants', 'plans', 'notifications']) expect(DOC).toContain(`| \`${section}\``);
  });
});
