import { ChatRequest, Dialect, Role } from '@switchyard/ir';
import type { UpstreamTarget } from './provider-adapter.types';
import { PROVIDERS } from '../registry';
import { VENDOR_HEADERS, sameFamilyHeader, vendorHeadersOf } from './vendor-headers';

// Issue 17, fidelity: the vendor headers that change what an upstream does reach an upstream of
// the client's own family as the client sent them; never another family, never credentials.

function chat(dialect: Dialect, headers: Record<string, string> = {}): ChatRequest {
  const vendor = vendorHeadersOf(dialect, headers);
  return {
    model: 'm',
    system: [],
    messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'Hi', signature: '' } }, cacheControlJson: '' }], name: '' }],
    tools: [],
    stream: false,
    includeUsage: false,
    droppedParams: [],
    meta: { dialect, requestId: 'r1', tenantId: 't', keyId: 'k', endUserId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
    ...(vendor.length && { vendorHeaders: { headers: vendor } }),
  };
}

const ANTHROPIC: UpstreamTarget = { baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-operator', upstreamModel: 'claude-sonnet-4-5', options: {} };
const OPENAI: UpstreamTarget = { baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-operator', upstreamModel: 'gpt-4o', options: {} };

describe(vendorHeadersOf.name, () => {
  it('keeps only the allowlisted headers of the client dialect, in the allowlist order', () => {
    const headers = {
      authorization: 'Bearer sk-sy-tenant',
      'x-api-key': 'sk-sy-tenant',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'context-management-2025-06-27',
      'openai-beta': 'assistants=v2',
      'x-goog-api-key': 'AIza-tenant',
    };

    expect(vendorHeadersOf(Dialect.DIALECT_ANTHROPIC, headers)).toStrictEqual([
      { name: 'anthropic-beta', value: 'context-management-2025-06-27' },
      { name: 'anthropic-version', value: '2023-06-01' },
    ]);
    expect(vendorHeadersOf(Dialect.DIALECT_OPENAI, headers)).toStrictEqual([{ name: 'openai-beta', value: 'assistants=v2' }]);
    expect(vendorHeadersOf(Dialect.DIALECT_GEMINI, headers)).toStrictEqual([]);
  });

  it('never lists a credential or an account-choosing header', () => {
    const names = Object.values(VENDOR_HEADERS).flat();

    for (const secret of ['authorization', 'x-api-key', 'x-goog-api-key', 'api-key', 'openai-organization', 'openai-project', 'x-goog-user-project']) {
      expect(names).not.toContain(secret);
    }
  });

  it('joins a repeated header and leaves out values that are empty, too long or not visible ASCII', () => {
    expect(vendorHeadersOf(Dialect.DIALECT_ANTHROPIC, { 'anthropic-beta': ['a-2025-01-01', 'b-2025-02-02'] as unknown as string })).toStrictEqual([
      { name: 'anthropic-beta', value: 'a-2025-01-01, b-2025-02-02' },
    ]);
    expect(vendorHeadersOf(Dialect.DIALECT_ANTHROPIC, { 'anthropic-beta': '  ' })).toStrictEqual([]);
    expect(vendorHeadersOf(Dialect.DIALECT_ANTHROPIC, { 'anthropic-beta': 'x'.repeat(1025) })).toStrictEqual([]);
    expect(vendorHeadersOf(Dialect.DIALECT_ANTHROPIC, { 'anthropic-beta': 'a\r\nx-api-key: stolen' })).toStrictEqual([]);
  });
});

describe('Anthropic upstream', () => {
  it("sends an Anthropic client's anthropic-beta and anthropic-version as it sent them", () => {
    const http = PROVIDERS.anthropic.buildRequest(chat(Dialect.DIALECT_ANTHROPIC, { 'anthropic-beta': 'context-1m-2025-08-07,interleaved-thinking-2025-05-14', 'anthropic-version': '2023-06-01' }), ANTHROPIC);

    expect(http.headers).toStrictEqual({
      'content-type': 'application/json',
      'x-api-key': 'sk-ant-operator',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'context-1m-2025-08-07,interleaved-thinking-2025-05-14',
    });
  });

  it("adds the client's betas to the deployment's, once each, and the client's version wins", () => {
    const target = { ...ANTHROPIC, options: { anthropicBeta: 'files-api-2025-04-14,context-1m-2025-08-07', anthropicVersion: '2023-01-01' } };

    const http = PROVIDERS.anthropic.buildRequest(chat(Dialect.DIALECT_ANTHROPIC, { 'anthropic-beta': 'context-1m-2025-08-07, token-efficient-tools-2025-02-19', 'anthropic-version': '2023-06-01' }), target);

    expect(http.headers['anthropic-beta']).toBe('files-api-2025-04-14,context-1m-2025-08-07,token-efficient-tools-2025-02-19');
    expect(http.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('forwards them to token counting too', () => {
    const http = PROVIDERS.anthropic.buildCountTokensRequest?.(chat(Dialect.DIALECT_ANTHROPIC, { 'anthropic-beta': 'token-counting-2024-11-01' }), ANTHROPIC);

    expect(http?.headers['anthropic-beta']).toBe('token-counting-2024-11-01');
  });

  it("ignores another dialect's vendor headers: an OpenAI client's request carries none of Anthropic's", () => {
    const req = chat(Dialect.DIALECT_OPENAI, { 'openai-beta': 'assistants=v2' });

    const http = PROVIDERS.anthropic.buildRequest(req, ANTHROPIC);

    expect(http.headers).toStrictEqual({ 'content-type': 'application/json', 'x-api-key': 'sk-ant-operator', 'anthropic-version': '2023-06-01' });
  });

  it('does not forward headers a request from another dialect somehow carries (only a same-family route)', () => {
    const req = chat(Dialect.DIALECT_GEMINI);
    req.vendorHeaders = { headers: [{ name: 'anthropic-beta', value: 'x' }] };

    expect(PROVIDERS.anthropic.buildRequest(req, ANTHROPIC).headers['anthropic-beta']).toBeUndefined();
  });
});

describe('OpenAI upstream', () => {
  it("sends an OpenAI client's OpenAI-Beta to every OpenAI-family upstream", () => {
    const req = chat(Dialect.DIALECT_OPENAI, { 'openai-beta': 'assistants=v2' });

    expect(PROVIDERS.openai.buildRequest(req, OPENAI).headers['openai-beta']).toBe('assistants=v2');
    expect(PROVIDERS['openai-compatible'].buildRequest(req, { ...OPENAI, baseUrl: 'http://vllm:8000/v1' }).headers['openai-beta']).toBe('assistants=v2');
  });

  it("sends the deployment's organization and project, never the client's", () => {
    const req = chat(Dialect.DIALECT_OPENAI, { 'openai-organization': 'org-tenant', 'openai-project': 'proj_tenant' });

    const http = PROVIDERS.openai.buildRequest(req, { ...OPENAI, options: { organization: 'org-operator', project: 'proj_operator' } });

    expect(http.headers).toStrictEqual({
      'content-type': 'application/json',
      authorization: 'Bearer sk-operator',
      'openai-organization': 'org-operator',
      'openai-project': 'proj_operator',
    });
  });

  it("does not send an Anthropic client's headers to an OpenAI upstream", () => {
    const http = PROVIDERS.openai.buildRequest(chat(Dialect.DIALECT_ANTHROPIC, { 'anthropic-beta': 'x', 'anthropic-version': '2023-06-01' }), OPENAI);

    expect(http.headers).toStrictEqual({ 'content-type': 'application/json', authorization: 'Bearer sk-operator' });
  });

  it("hands a header to the family of the client's dialect only (a Responses client is OpenAI's)", () => {
    expect(sameFamilyHeader(chat(Dialect.DIALECT_OPENAI_RESPONSES, { 'openai-beta': 'assistants=v2' }), 'openai', 'openai-beta')).toBe('assistants=v2');
    expect(sameFamilyHeader(chat(Dialect.DIALECT_OPENAI, { 'openai-beta': 'assistants=v2' }), 'anthropic', 'openai-beta')).toBeUndefined();
    expect(sameFamilyHeader(chat(Dialect.DIALECT_ANTHROPIC, { 'anthropic-beta': 'x' }), 'anthropic', 'anthropic-beta')).toBe('x');
  });
});
