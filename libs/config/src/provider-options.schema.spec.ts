import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OPENAI_VENDORS } from '@switchyard/providers';
import { parseConfig } from './switchyard-config.loader';
import { configProblems } from './config-problems.testing';

/** The problems parseConfig reports for one provider with `fields` (a YAML flow mapping body); none when valid. */
const problemsOf = (fields: string): readonly string[] => configProblems(`providers: [{ id: p, baseUrl: 'https://llm.example.com/v1', ${fields} }]`);

describe('providers[].options', () => {
  it.each(OPENAI_VENDORS)('accepts the vendor profile %s on an openai-compatible provider', (vendor) => {
    expect(problemsOf(`type: openai-compatible, options: { vendor: ${vendor} }`)).toEqual([]);
  });

  it('refuses a misspelt vendor at load, listing every profile of the providers registry', () => {
    expect(problemsOf('type: openai-compatible, options: { vendor: deepsek }')).toEqual([
      `switchyard.yaml: providers[0].options.vendor: unknown vendor profile "deepsek"; expected one of ${OPENAI_VENDORS.join(', ')}`,
    ]);
  });

  it('refuses a vendor on a type that would ignore it', () => {
    expect(problemsOf('type: anthropic, options: { vendor: deepseek }')).toEqual([
      'switchyard.yaml: providers[0].options.vendor: only openai-compatible providers take a vendor profile; type anthropic has its own',
    ]);
  });

  it('takes apiVersion as a non-empty string and keeps other provider settings as scalars', () => {
    expect(problemsOf("type: azure-openai, options: { apiVersion: '2024-12-01-preview', defaultMaxTokens: 4096, beta: true }")).toEqual([]);
    expect(problemsOf("type: azure-openai, options: { apiVersion: '' }")).toEqual(['switchyard.yaml: providers[0].options.apiVersion: must not be empty']);
    expect(problemsOf('type: gemini, options: { thinking: [a] }')).toEqual(['switchyard.yaml: providers[0].options.thinking: expected a string, number or boolean']);
  });
});

describe('providers[].options.api', () => {
  it.each([
    'type: openai, options: { api: responses, reasoningSummary: concise }',
    'type: openai, options: { api: chat }',
    'type: azure-openai, options: { api: responses }',
    'type: azure-openai, options: { api: responses, apiVersion: v1 }',
    "type: azure-openai, options: { api: responses, apiVersion: '2025-04-01-preview' }",
  ])('accepts %s', (fields) => {
    expect(problemsOf(fields)).toEqual([]);
  });

  it.each([
    ['a misspelt API', 'type: openai, options: { api: response }', 'providers[0].options.api: unknown API "response"; expected one of chat, responses'],
    [
      'the Responses API on an OpenAI-compatible server',
      'type: openai-compatible, options: { api: responses, vendor: vllm }',
      'providers[0].options.api: the Responses API is only spoken to openai and azure-openai providers, not openai-compatible',
    ],
    [
      'an Azure api-version older than the Responses API',
      "type: azure-openai, options: { api: responses, apiVersion: '2024-10-21' }",
      'providers[0].options.apiVersion: Azure api-version 2024-10-21 has no Responses API: use v1, or 2025-03-01-preview or later',
    ],
    ['a reasoning summary without the Responses API', 'type: openai, options: { reasoningSummary: auto }', 'providers[0].options.reasoningSummary: only applies with api: responses'],
    [
      'a misspelt reasoning summary',
      'type: openai, options: { api: responses, reasoningSummary: short }',
      'providers[0].options.reasoningSummary: unknown reasoning summary "short"; expected one of auto, concise, detailed, none',
    ],
  ])('refuses %s at load', (_, fields, problem) => {
    expect(problemsOf(fields)).toEqual([`switchyard.yaml: ${problem}`]);
  });
});

describe('switchyard.example.yaml provider examples', () => {
  const EXAMPLE = join(__dirname, '..', '..', '..', 'switchyard.example.yaml');

  it('holds one valid commented-out provider per type, vendor profiles included', async () => {
    const text = await readFile(EXAMPLE, 'utf8');
    const start = text.indexOf('  # One provider per type');
    const end = text.indexOf('\nmodels:');
    // Uncomment the YAML lines of the examples (`- id:` and their indented fields), not the prose.
    const providers = text
      .slice(start, end)
      .split('\n')
      .flatMap((line) => {
        const body = /^ {2}# (.*)$/.exec(line)?.[1];
        return body !== undefined && (body.startsWith('- id:') || body.startsWith('  ')) ? [`  ${body}`] : [];
      });
    const config = parseConfig(`providers:\n${providers.join('\n')}\n`, 'example', { outbound: { envPrefix: 'SWITCHYARD_UPSTREAM_', allowHttp: true, allowPrivate: true } });

    expect(config.providers.map((p) => [p.type, p.options?.['vendor']])).toEqual([
      ['openai', undefined],
      ['azure-openai', undefined],
      ['anthropic', undefined],
      ['gemini', undefined],
      ['openai-compatible', 'deepseek'],
      ['openai-compatible', 'qwen'],
      ['openai-compatible', 'vllm'],
    ]);
    expect(config.providers[1]?.options?.['apiVersion']).toBe('2024-12-01-preview');
  });
});
