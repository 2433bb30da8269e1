import { LocalOidcIssuer } from '@switchyard/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminError } from '../../http/admin.error';
import { OidcTokenVerifier } from './oidc-token.verifier';
import type { OidcOptions } from './oidc.options';

// Admin JWTs signed by a local issuer whose key set a local HTTP server serves: the verifier
// fetches it as it would a provider's JWKS endpoint.

const AUDIENCE = 'switchyard-admin';
const NOW = 1_800_000_000;

describe(OidcTokenVerifier.name, () => {
  let issuer: LocalOidcIssuer;
  let options: OidcOptions;
  let sut: OidcTokenVerifier;

  const claims = (over: Record<string, unknown> = {}) => ({ iss: issuer.issuer, aud: AUDIENCE, sub: 'alice@example.com', exp: NOW + 300, iat: NOW, switchyard_role: 'platform', ...over });

  async function refusal(token: string, now = NOW): Promise<{ status: number; message: string }> {
    try {
      await sut.verify(token, now * 1000);
    } catch (error) {
      if (error instanceof AdminError) return { status: error.status, message: error.message };
      throw error;
    }
    return { status: 200, message: 'accepted' };
  }

  beforeAll(async () => {
    issuer = await LocalOidcIssuer.start();
  });

  beforeEach(() => {
    options = { issuer: issuer.issuer, audience: AUDIENCE, jwks: { url: issuer.jwksUrl }, roleClaim: 'switchyard_role', tenantClaim: 'switchyard_tenant' };
    sut = new OidcTokenVerifier(options);
  });

  afterAll(() => issuer.close());

  it.each(['RS256', 'ES256', 'EdDSA'] as const)('accepts a good %s token as the role its claim names', async (alg) => {
    await expect(sut.verify(issuer.sign(claims(), { alg }), NOW * 1000)).resolves.toEqual({ source: 'oidc', name: 'alice@example.com', role: 'platform', tenantId: undefined });
  });

  it('takes a tenant admin with its tenant claim, and an audience list holding ours', async () => {
    const token = issuer.sign(claims({ aud: ['other-app', AUDIENCE], switchyard_role: 'tenant', switchyard_tenant: 'acme' }));
    await expect(sut.verify(token, NOW * 1000)).resolves.toEqual({ source: 'oidc', name: 'alice@example.com', role: 'tenant', tenantId: 'acme' });
  });

  it('reads the role from a list claim (groups), the widest role winning', async () => {
    sut = new OidcTokenVerifier({ ...options, roleClaim: 'groups' });
    const token = issuer.sign(claims({ groups: ['staff', 'read-only', 'platform'] }));
    expect((await sut.verify(token, NOW * 1000)).role).toBe('platform');
  });

  it.each([
    ['expired', { exp: NOW - 31 }, 'expired'],
    ['for another audience', { aud: 'grafana' }, 'wrong audience'],
    ['from another issuer', { iss: 'https://evil.example/' }, 'wrong issuer'],
    ['without an expiry', { exp: undefined }, 'no expiry'],
    ['not valid yet', { nbf: NOW + 120 }, 'not valid yet'],
    ['without a subject', { sub: undefined }, 'no usable subject'],
  ])('refuses a token %s (401, saying why)', async (_what, over, why) => {
    expect(await refusal(issuer.sign(claims(over)))).toEqual({ status: 401, message: expect.stringContaining(why) });
  });

  it('allows the clock skew of 30 s on expiry, and no more', async () => {
    expect((await refusal(issuer.sign(claims({ exp: NOW - 29 })))).status).toBe(200);
    expect((await refusal(issuer.sign(claims({ exp: NOW - 31 })))).status).toBe(401);
  });

  it('refuses a token signed by a key the set does not hold, though it names a kid of the set', async () => {
    expect(await refusal(issuer.sign(claims(), { forged: true }))).toEqual({ status: 401, message: expect.stringContaining('bad signature') });
  });

  it('refuses alg none and HS256 (algorithm confusion) and a tampered payload', async () => {
    const good = issuer.sign(claims());
    const [header, , signature] = good.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'rsa-1' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
    expect((await refusal(none)).status).toBe(401);
    expect(await refusal(issuer.sign(claims(), { header: { alg: 'HS256' } }))).toEqual({ status: 401, message: expect.stringContaining('HS256') });
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims({ sub: 'mallory' }))).toString('base64url')}.${signature}`;
    expect(await refusal(tampered)).toEqual({ status: 401, message: expect.stringContaining('bad signature') });
  });

  it('refuses a valid token without an admin role, or a tenant role without a tenant (403)', async () => {
    expect(await refusal(issuer.sign(claims({ switchyard_role: 'owner' })))).toEqual({ status: 403, message: expect.stringContaining('no admin role') });
    expect(await refusal(issuer.sign(claims({ switchyard_role: 'tenant' })))).toEqual({ status: 403, message: expect.stringContaining('no tenant id') });
  });

  it('refuses what is no JWT, without quoting it', async () => {
    for (const junk of ['a.b', 'x.y.z', `${Buffer.from('[1]').toString('base64url')}.e30.sig`, 'a'.repeat(20_000)]) {
      const r = await refusal(junk);
      expect(r.status).toBe(401);
      expect(r.message.length).toBeLessThan(200);
    }
  });

  it('reads the key set again for a new kid (rotation), at most once per 30 s whatever kids are sent', async () => {
    expect((await refusal(issuer.sign(claims()))).status).toBe(200);
    const fetched = issuer.fetches;
    // Unknown kids within 30 s of the last read fetch nothing (a flood of forged kids stays cheap).
    expect((await refusal(issuer.sign(claims(), { header: { kid: 'made-up' } }), NOW + 1)).status).toBe(401);
    issuer.rotate();
    expect((await refusal(issuer.sign(claims()), NOW + 2)).status).toBe(401);
    expect(issuer.fetches).toBe(fetched);
    // Past 30 s, the new kid reads the set again: the rotated key is accepted; then no more reads.
    expect((await refusal(issuer.sign(claims()), NOW + 31)).status).toBe(200);
    expect((await refusal(issuer.sign(claims()), NOW + 32)).status).toBe(200);
    expect(issuer.fetches).toBe(fetched + 1);
  });

  it('reads the key set from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-jwks-'));
    try {
      writeFileSync(join(dir, 'jwks.json'), JSON.stringify(issuer.jwks()));
      sut = new OidcTokenVerifier({ ...options, jwks: { file: join(dir, 'jwks.json') } });
      expect((await sut.verify(issuer.sign(claims({ switchyard_role: 'read-only' })), NOW * 1000)).role).toBe('read-only');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
