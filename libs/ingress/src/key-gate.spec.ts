import { Dialect, ErrorKind, unknownKeyMessage } from '@switchyard/ir';
import type { AdmitRequest, AdmitResponse, AuthPort } from '@switchyard/ir';
import { KeyGate, type KeyGateQuery } from './key-gate';

const GOOD = 'hash-good';
const REVOKED = 'hash-revoked';
const OFFICE = 'hash-office-only';

/** An auth service that knows two keys, one revoked, and one limited to an IP range. */
class Auth implements AuthPort {
  asked: AdmitRequest[] = [];
  down = false;
  async admit(r: AdmitRequest): Promise<AdmitResponse> {
    this.asked.push(r);
    if (this.down) throw new Error('auth unreachable');
    if (r.keyHash === GOOD) return { admitted: true, principal: { tenantId: 'acme', keyId: 'k1', models: [], region: '', allowedRegions: [], tenantModels: [], captureContent: false, corsOrigins: [] }, maxOutputTokens: 0 };
    if (r.keyHash === OFFICE) return { admitted: false, error: { kind: ErrorKind.ERROR_KIND_PERMISSION, message: 'This API key may not be used from your IP address.', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] }, maxOutputTokens: 0 };
    const message = r.keyHash === REVOKED ? 'This API key has been revoked.' : unknownKeyMessage(r.dialect);
    // Auth names the principal of a known key with its refusal (auth.service.ts), never of an unknown one.
    const principal = r.keyHash === REVOKED ? { tenantId: 'acme', keyId: 'k-old', models: [], region: '', allowedRegions: [], tenantModels: [], captureContent: false, corsOrigins: [] } : undefined;
    return { admitted: false, error: { kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message, retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] }, maxOutputTokens: 0, ...(principal && { principal }) };
  }
  async settle(): Promise<void> {}
  async heartbeat(): Promise<void> {}
}

const query = (keyHash: string): KeyGateQuery => ({ keyHash, requestId: 'req-1', clientIp: '10.0.0.1', dialect: Dialect.DIALECT_OPENAI });

describe(KeyGate.name, () => {
  let auth: Auth;
  let now: number;
  let sut: KeyGate;
  beforeEach(() => {
    auth = new Auth();
    now = 1_000_000;
    sut = new KeyGate(auth, { passMs: 5_000, refuseMs: 2_000, maxEntries: 3, now: () => now });
  });

  it('asks with an uncounted admission that names no model, so nothing is counted and only the key is judged', async () => {
    await sut.check(query(GOOD));
    expect(auth.asked).toEqual([{ keyHash: GOOD, model: '', requestId: 'req-1', clientIp: '10.0.0.1', dialect: Dialect.DIALECT_OPENAI, counted: false, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0 }]);
  });

  it('remembers whose key it passed, so a request refused later for its body is audited under it; an unknown key has no owner', async () => {
    expect(sut.ownerOf(GOOD)).toBeUndefined();
    await sut.check(query(GOOD));
    expect(sut.ownerOf(GOOD)).toEqual({ tenantId: 'acme', keyId: 'k1' });
    await sut.check(query('hash-unknown'));
    expect(sut.ownerOf('hash-unknown')).toBeUndefined();
  });

  it('lets a known key through and answers later requests synchronously, without asking again, until the pass lapses', async () => {
    await expect(sut.check(query(GOOD))).resolves.toBeUndefined();
    now += 4_999;
    expect(sut.check(query(GOOD))).toBeUndefined();
    expect(auth.asked).toHaveLength(1);
    now += 1;
    await expect(sut.check(query(GOOD))).resolves.toBeUndefined();
    expect(auth.asked).toHaveLength(2);
  });

  it('refuses unknown and revoked keys with their 401, remembered only briefly', async () => {
    await expect(sut.check(query('hash-unknown'))).resolves.toMatchObject({ kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: unknownKeyMessage(Dialect.DIALECT_OPENAI) });
    await expect(sut.check(query(REVOKED))).resolves.toMatchObject({ kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: 'This API key has been revoked.' });
    expect(sut.check(query(REVOKED))).toMatchObject({ message: 'This API key has been revoked.' });
    expect(auth.asked).toHaveLength(2);
    now += 2_000;
    await sut.check(query(REVOKED));
    expect(auth.asked).toHaveLength(3);
  });

  it('remembers a refusal per dialect, so a client of another dialect is told where its own SDK sends the key', async () => {
    await sut.check(query('hash-unknown'));
    const anthropic = await sut.check({ ...query('hash-unknown'), dialect: Dialect.DIALECT_ANTHROPIC });

    expect(anthropic?.message).toBe(unknownKeyMessage(Dialect.DIALECT_ANTHROPIC));
    expect(sut.check(query('hash-unknown'))).toMatchObject({ message: unknownKeyMessage(Dialect.DIALECT_OPENAI) });
    expect(auth.asked).toHaveLength(2);
  });

  it('names who a known key belongs to with its refusal, for the request audit, and no one for an unknown key', async () => {
    const revoked = await sut.check(query(REVOKED));
    const unknown = await sut.check(query('hash-unknown'));

    expect(revoked?.who).toEqual({ tenantId: 'acme', keyId: 'k-old' });
    expect(sut.check(query(REVOKED))).toMatchObject({ who: { keyId: 'k-old' } });
    expect(unknown).toBeDefined();
    expect(unknown?.who).toBeUndefined();
  });

  it('leaves refusals that are not about the key (IP ranges, models, limits) to the full admission', async () => {
    await expect(sut.check(query(OFFICE))).resolves.toBeUndefined();
  });

  it('asks once for concurrent first requests of one key', async () => {
    const answers = await Promise.all([sut.check(query(GOOD)), sut.check(query(GOOD)), sut.check(query(GOOD))]);
    expect(answers).toEqual([undefined, undefined, undefined]);
    expect(auth.asked).toHaveLength(1);
  });

  it('stays bounded under random keys: the oldest answers are forgotten first', async () => {
    await sut.check(query(GOOD));
    for (let i = 0; i < 10; i++) await sut.check(query(`random-${i}`));
    // Refusals and passes are kept apart, so a flood of random keys cannot evict good keys.
    expect(sut.check(query(GOOD))).toBeUndefined();
    await sut.check(query('random-0'));
    expect(auth.asked.filter((r) => r.keyHash === 'random-0')).toHaveLength(2);
    expect(sut.check(query('random-9'))).toMatchObject({ kind: ErrorKind.ERROR_KIND_AUTHENTICATION });
  });

  it('lets the request through unremembered when the auth service cannot answer', async () => {
    auth.down = true;
    await expect(sut.check(query('hash-unknown'))).resolves.toBeUndefined();
    auth.down = false;
    await expect(sut.check(query('hash-unknown'))).resolves.toMatchObject({ kind: ErrorKind.ERROR_KIND_AUTHENTICATION });
  });
});
