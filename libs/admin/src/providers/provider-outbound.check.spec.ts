import { DEFAULT_OUTBOUND_POLICY } from '@switchyard/config';
import { AdminError } from '../http/admin.error';
import { checkProviderOutbound } from './provider-outbound.check';

describe(checkProviderOutbound.name, () => {
  const refusal = (body: { baseUrl?: string; apiKeys?: string[] }, policy = DEFAULT_OUTBOUND_POLICY) => {
    try {
      checkProviderOutbound(body, policy);
      return undefined;
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      return { status: error.status, message: error.message };
    }
  };

  it('accepts an https provider with keys under the prefix, and a body that sets neither field', () => {
    expect(refusal({ baseUrl: 'https://api.openai.com/v1', apiKeys: ['env:SWITCHYARD_UPSTREAM_OPENAI', 'sk-literal'] })).toBeUndefined();
    expect(refusal({})).toBeUndefined();
  });

  it('answers 400 naming every refused field at once', () => {
    expect(refusal({ baseUrl: 'http://169.254.169.254/', apiKeys: ['env:SWITCHYARD_UPSTREAM_OK', 'env:SWITCHYARD_SECRET_KEYS'] })).toEqual({
      status: 400,
      message:
        'baseUrl: a cloud metadata address is never an upstream; apiKeys[1]: env:SWITCHYARD_SECRET_KEYS is outside SWITCHYARD_OUTBOUND_ENV_PREFIX (SWITCHYARD_UPSTREAM_): upstream keys are read only from variables whose names start with it',
    });
  });

  it('follows the process policy for plain http and private upstreams', () => {
    const local = { ...DEFAULT_OUTBOUND_POLICY, allowHttp: true, allowPrivate: true };

    expect(refusal({ baseUrl: 'http://10.0.0.5:8000/v1' })?.status).toBe(400);
    expect(refusal({ baseUrl: 'http://10.0.0.5:8000/v1' }, local)).toBeUndefined();
  });
});
