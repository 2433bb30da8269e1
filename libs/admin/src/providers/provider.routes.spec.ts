import { createProviderBody, updateProviderBody } from './provider.routes';

describe('provider bodies: passthrough', () => {
  const base = { id: 'anthropic-main', type: 'anthropic', baseUrl: 'https://api.anthropic.com' };

  it('takes an allow/deny policy on create and on update', () => {
    expect(createProviderBody.parse({ ...base, passthrough: { allow: ['mcp_servers'], deny: ['cache_control'] } }).passthrough).toEqual({ allow: ['mcp_servers'], deny: ['cache_control'] });
    expect(updateProviderBody.parse({ passthrough: {} }).passthrough).toEqual({});
  });

  it.each([
    ['a list', ['mcp_servers']],
    ['an unknown key', { allowed: ['x'] }],
    ['a name that is no field name', { allow: ['mcp servers'] }],
  ])('refuses %s, naming passthrough', (_what, passthrough) => {
    const result = updateProviderBody.safeParse({ passthrough });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe('passthrough');
  });
});

describe('provider bodies: options', () => {
  const base = { id: 'deepseek', type: 'openai-compatible', baseUrl: 'https://api.deepseek.com' };

  it('takes a vendor profile and other scalar settings', () => {
    expect(createProviderBody.parse({ ...base, options: { vendor: 'deepseek', timeoutHint: 3 } }).options).toEqual({ vendor: 'deepseek', timeoutHint: 3 });
  });

  it('refuses an unknown vendor profile on create and update, naming options.vendor', () => {
    for (const result of [createProviderBody.safeParse({ ...base, options: { vendor: 'deepsek' } }), updateProviderBody.safeParse({ options: { vendor: 'deepsek' } })]) {
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['options', 'vendor']);
      expect(result.error?.issues[0]?.message).toContain('unknown vendor profile "deepsek"');
    }
  });
});
