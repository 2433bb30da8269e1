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
