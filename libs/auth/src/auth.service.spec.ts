import { AdmitResponse, Dialect, ErrorKind } from '@switchyard/ir';
import { hashKey } from '@switchyard/shared';
import { AuthService } from './auth.service';
import type { KeyRecord, KeySource } from './key-directory.types';

const NOW = Date.parse('2025-08-06T10:00:00Z');

const KEYS: Record<string, KeyRecord> = {
  'sk-sy-acme-all': { id: 'key_all', tenantId: 'acme', models: [], expiresAt: undefined, revoked: false },
  'sk-sy-acme-gpt': { id: 'key_gpt', tenantId: 'acme', models: ['gpt-4o*', 'o4-mini'], expiresAt: NOW + 60_000, revoked: false, allowedRegions: ['eu-west'] },
  'sk-sy-acme-revoked': { id: 'key_revoked', tenantId: 'acme', models: [], expiresAt: undefined, revoked: true },
  'sk-sy-acme-expired': { id: 'key_expired', tenantId: 'acme', models: [], expiresAt: NOW, revoked: false },
  'sk-sy-acme-pii': { id: 'key_pii', tenantId: 'acme', models: [], expiresAt: undefined, revoked: false, pii: { action: 'mask', restore: true, categories: ['email'] } },
  'sk-sy-acme-office': { id: 'key_office', tenantId: 'acme', models: [], expiresAt: undefined, revoked: false, allowedIps: ['10.0.0.0/8', '2001:db8::/32'], tenantAllowedIps: ['10.1.0.0/16', '2001:db8::/32'] },
};

/** The key directory as the database would hand it over, plus a count of loads. */
class InMemoryKeySource implements KeySource {
  loads = 0;
  failing = false;
  readonly keys = new Map(Object.entries(KEYS).map(([value, record]) => [hashKey(value), record]));

  async loadAll(): Promise<Map<string, KeyRecord>> {
    this.loads++;
    if (this.failing) throw new Error('connection refused');
    return new Map(this.keys);
  }
}

function refused(kind: ErrorKind, message: string, keyId?: string): AdmitResponse {
  const answer: AdmitResponse = { admitted: false, error: { kind, message, retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] }, maxOutputTokens: 0 };
  // A known key's refusal names whose it was (for the access line and the request span).
  if (keyId) answer.principal = expect.objectContaining({ tenantId: 'acme', keyId }) as AdmitResponse['principal'];
  return answer;
}

describe(AuthService.name, () => {
  let source: InMemoryKeySource;
  let sut: AuthService;
  let now: jest.SpyInstance<number, []>;

  beforeEach(async () => {
    now = jest.spyOn(Date, 'now').mockReturnValue(NOW);
    source = new InMemoryKeySource();
    sut = new AuthService(source);
    await sut.reload();
  });

  afterEach(() => jest.restoreAllMocks());

  it('admits a known key with its tenant, id and allowed models', async () => {
    expect(await sut.admit({ keyHash: hashKey('sk-sy-acme-gpt'), model: 'gpt-4o-mini', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false })).toStrictEqual({
      admitted: true,
      principal: { tenantId: 'acme', keyId: 'key_gpt', models: ['gpt-4o*', 'o4-mini'], tenantModels: [], allowedRegions: ['eu-west'], region: '', captureContent: false, corsOrigins: [] },
      maxOutputTokens: 0,
    });
  });

  it("hands the key's PII policy to the ingress with the principal", async () => {
    const admitted = await sut.admit({ keyHash: hashKey('sk-sy-acme-pii'), model: 'gpt-4o', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false });
    expect(admitted.principal?.pii).toStrictEqual({ action: 'mask', categories: ['email'], restore: true, custom: [] });
  });

  it('admits a key only from inside both its own and its tenant\'s IP ranges', async () => {
    const ask = (clientIp: string) => sut.admit({ keyHash: hashKey('sk-sy-acme-office'), model: 'gpt-4o', clientIp, requestId: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false });
    const outside = refused(ErrorKind.ERROR_KIND_PERMISSION, 'This API key may not be used from your IP address.', 'key_office');

    expect(await ask('10.1.2.3')).toMatchObject({ admitted: true });
    expect(await ask('::ffff:10.1.2.3')).toMatchObject({ admitted: true });
    expect(await ask('2001:db8::7')).toMatchObject({ admitted: true });
    expect(await ask('10.2.0.1')).toStrictEqual(outside); // the key's range, not the tenant's
    expect(await ask('203.0.113.9')).toStrictEqual(outside);
    expect(await ask('')).toStrictEqual(outside);
    // Keys without ranges are usable from anywhere.
    expect(await sut.admit({ keyHash: hashKey('sk-sy-acme-all'), model: 'gpt-4o', clientIp: '203.0.113.9', requestId: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false })).toMatchObject({ admitted: true });
  });

  it('refuses an unknown key as an authentication failure', async () => {
    expect(await sut.admit({ keyHash: hashKey('sk-sy-typo'), model: 'gpt-4o', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false })).toStrictEqual(refused(ErrorKind.ERROR_KIND_AUTHENTICATION, 'Incorrect API key provided.'));
  });

  it('words an unknown key\'s refusal for the client\'s dialect, naming where its SDK sends the key', async () => {
    const ask = (dialect: Dialect) => sut.admit({ keyHash: hashKey('sk-sy-typo'), model: 'claude-3-5-haiku', requestId: '', clientIp: '', dialect, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false });

    expect((await ask(Dialect.DIALECT_ANTHROPIC)).error?.message).toContain('x-api-key header');
    expect((await ask(Dialect.DIALECT_GEMINI)).error?.message).toContain('x-goog-api-key header');
    expect((await ask(Dialect.DIALECT_OPENAI)).error?.message).toContain('Authorization header');
  });

  it('refuses a revoked key', async () => {
    expect(await sut.admit({ keyHash: hashKey('sk-sy-acme-revoked'), model: 'gpt-4o', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false })).toStrictEqual(
      refused(ErrorKind.ERROR_KIND_AUTHENTICATION, 'This API key has been revoked.', 'key_revoked'),
    );
  });

  it('refuses a key from the moment it expires', async () => {
    expect(await sut.admit({ keyHash: hashKey('sk-sy-acme-expired'), model: 'gpt-4o', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false })).toStrictEqual(refused(ErrorKind.ERROR_KIND_AUTHENTICATION, 'This API key has expired.', 'key_expired'));

    now.mockReturnValue(NOW + 60_000);
    expect(await sut.admit({ keyHash: hashKey('sk-sy-acme-gpt'), model: 'gpt-4o', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false })).toStrictEqual(refused(ErrorKind.ERROR_KIND_AUTHENTICATION, 'This API key has expired.', 'key_gpt'));
  });

  it('refuses a model outside the key patterns as a permission failure naming the model', async () => {
    expect(await sut.admit({ keyHash: hashKey('sk-sy-acme-gpt'), model: 'claude-sonnet-4', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false })).toStrictEqual({
      admitted: false,
      error: { kind: ErrorKind.ERROR_KIND_PERMISSION, message: 'This key is not allowed to use the model `claude-sonnet-4`. GET /v1/models lists the models it may use.', param: 'model', retryable: false, providerStatus: 0, retryAfterMs: 0, attemptLog: [] },
      principal: expect.objectContaining({ tenantId: 'acme', keyId: 'key_gpt' }),
      maxOutputTokens: 0,
    });
  });

  it.each(['gpt-4o', 'gpt-4o-mini', 'o4-mini'])('admits %s under the patterns gpt-4o* and o4-mini', async (model) => {
    expect((await sut.admit({ keyHash: hashKey('sk-sy-acme-gpt'), model, requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false })).admitted).toBe(true);
  });

  it("hands the tenant's model patterns to the caller with the key's, so model lists filter by both", async () => {
    source.keys.set(hashKey('sk-sy-alpha'), { id: 'key_alpha', tenantId: 'alpha', models: [], tenantModels: ['alpha-*'], expiresAt: undefined, revoked: false });
    await sut.reload();

    expect((await sut.admit({ keyHash: hashKey('sk-sy-alpha'), model: '', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false })).principal).toStrictEqual({ tenantId: 'alpha', keyId: 'key_alpha', models: [], tenantModels: ['alpha-*'], allowedRegions: [], region: '', captureContent: false, corsOrigins: [] });
  });

  it('admits a call that names no model (model listing) whatever the patterns', async () => {
    expect((await sut.admit({ keyHash: hashKey('sk-sy-acme-gpt'), model: '', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false })).admitted).toBe(true);
  });

  it('finds a key created after the last load, reloading on a miss at most once a second', async () => {
    source.keys.set(hashKey('sk-sy-new'), { id: 'key_new', tenantId: 'globex', models: [], expiresAt: undefined, revoked: false });

    now.mockReturnValue(NOW + 1000);
    const tooSoon = await sut.admit({ keyHash: hashKey('sk-sy-new'), model: 'gpt-4o', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false });
    now.mockReturnValue(NOW + 1001);
    const later = await sut.admit({ keyHash: hashKey('sk-sy-new'), model: 'gpt-4o', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false });

    expect(tooSoon.admitted).toBe(false);
    expect(later).toStrictEqual({ admitted: true, principal: { tenantId: 'globex', keyId: 'key_new', models: [], tenantModels: [], allowedRegions: [], region: '', captureContent: false, corsOrigins: [] }, maxOutputTokens: 0 });
    expect(source.loads).toBe(2);
  });

  it('shares one load between concurrent reloads', async () => {
    await Promise.all([sut.reload(), sut.reload(), sut.reload()]);

    expect(source.loads).toBe(2);
  });

  it('after a change, loads again once a load that was already running ends (it may predate the change)', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const loadAll = source.loadAll.bind(source);
    jest.spyOn(source, 'loadAll').mockImplementationOnce(async () => {
      const before = await loadAll();
      await gate;
      return before;
    });
    const running = sut.reload();
    source.keys.set(hashKey('sk-sy-new'), { id: 'key_new', tenantId: 'globex', models: [], expiresAt: undefined, revoked: false });

    const changed = [sut.invalidate(), sut.invalidate()];
    release();
    await Promise.all([running, ...changed]);

    expect(source.loads).toBe(3); // the start, the running one, one more for both changes
    expect((await sut.admit({ keyHash: hashKey('sk-sy-new'), model: 'gpt-4o', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false })).admitted).toBe(true);
  });

  it('still refuses an unknown key when the reload on a miss fails', async () => {
    source.failing = true;
    now.mockReturnValue(NOW + 5000);

    expect(await sut.admit({ keyHash: hashKey('sk-sy-new'), model: 'gpt-4o', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false })).toStrictEqual(refused(ErrorKind.ERROR_KIND_AUTHENTICATION, 'Incorrect API key provided.'));
    expect(source.loads).toBe(2);
    expect((await sut.admit({ keyHash: hashKey('sk-sy-acme-all'), model: 'gpt-4o', requestId: '', clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, counted: false })).admitted).toBe(true);
  });
});
