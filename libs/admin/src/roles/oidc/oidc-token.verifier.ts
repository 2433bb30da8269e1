import { AdminError } from '../../http/admin.error';
import { ADMIN_ROLES, type AdminPrincipal, type AdminRole } from '../admin-principal';
import { isJwsAlgorithm, verifyJwsSignature } from './jws-signature';
import { JwksSource } from './jwks.source';
import type { OidcOptions } from './oidc.options';

/** Clocks of the provider and the gateway may disagree by this much (exp, nbf). */
const CLOCK_SKEW_S = 30;
/** A JWT larger than this is not an ID or access token of any provider. */
const MAX_TOKEN_CHARS = 16_384;
/** What may stand in the audit log's actor after `oidc:` (Auth0's `auth0|…` and e-mail subjects included). */
const SUBJECT = /^[\x21-\x7e]{1,200}$/;
/** As tenant ids (slugId in common.schemas.ts). */
const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** When a role claim lists several roles (groups), the widest wins, as membership of an admin group would. */
const ROLE_ORDER: readonly AdminRole[] = ['platform', 'tenant', 'read-only'];

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Whether a bearer credential has the shape of a JWS compact serialization (three base64url parts). */
export function looksLikeJwt(token: string): boolean {
  const parts = token.split('.');
  return parts.length === 3 && parts.every((p) => p.length > 0 && BASE64URL.test(p));
}

/**
 * Admin credentials from an OpenID provider: a JWT whose signature a key of the configured set
 * verifies, from the configured issuer, for the configured audience, unexpired; its role claim
 * names an admin role ({@link ADMIN_ROLES}) and, for `tenant`, its tenant claim the tenant.
 * Refusals are 401 (not a valid token: the message says which check failed, never the token)
 * or 403 (a valid token without an admin role).
 */
export class OidcTokenVerifier {
  private readonly keys: JwksSource;

  constructor(private readonly options: OidcOptions) {
    this.keys = new JwksSource(options.jwks);
  }

  async verify(token: string, nowMs = Date.now()): Promise<AdminPrincipal> {
    if (token.length > MAX_TOKEN_CHARS || !looksLikeJwt(token)) throw refused('not a JWT');
    const [headerPart, payloadPart, signaturePart] = token.split('.') as [string, string, string];
    const header = decodePart(headerPart, 'header');
    const alg = header['alg'];
    if (!isJwsAlgorithm(alg)) throw refused(`signature algorithm ${JSON.stringify(alg)} is not accepted (RS*, PS*, ES*, EdDSA)`);
    const kid = header['kid'];
    if (kid !== undefined && typeof kid !== 'string') throw refused('kid is not a string');
    const key = await this.keys.keyFor(kid, alg, nowMs);
    if (!key) throw refused(`no key of the configured key set fits (kid ${kid === undefined ? 'absent' : JSON.stringify(kid)}, ${alg})`);
    if (!verifyJwsSignature(alg, key, `${headerPart}.${payloadPart}`, Buffer.from(signaturePart, 'base64url'))) throw refused('bad signature');
    const claims = decodePart(payloadPart, 'payload');
    this.checkClaims(claims, nowMs / 1000);
    return this.principalOf(claims);
  }

  private checkClaims(claims: Record<string, unknown>, now: number): void {
    if (claims['iss'] !== this.options.issuer) throw refused('wrong issuer');
    const aud = claims['aud'];
    if (!(aud === this.options.audience || (Array.isArray(aud) && aud.includes(this.options.audience)))) throw refused('wrong audience');
    const exp = claims['exp'];
    // A token without an expiry would be a credential for ever: refused.
    if (typeof exp !== 'number') throw refused('no expiry (exp)');
    if (now > exp + CLOCK_SKEW_S) throw refused('expired');
    const nbf = claims['nbf'];
    if (nbf !== undefined && (typeof nbf !== 'number' || now + CLOCK_SKEW_S < nbf)) throw refused('not valid yet (nbf)');
  }

  private principalOf(claims: Record<string, unknown>): AdminPrincipal {
    const sub = claims['sub'];
    if (typeof sub !== 'string' || !SUBJECT.test(sub)) throw refused('no usable subject (sub): 1-200 printable ASCII characters');
    const claimed = claims[this.options.roleClaim];
    const values = Array.isArray(claimed) ? claimed : [claimed];
    const role = ROLE_ORDER.find((r) => values.includes(r));
    if (!role) throw AdminError.forbidden(`the OIDC token of "${sub}" holds no admin role: claim ${this.options.roleClaim} must be one of ${ADMIN_ROLES.join(', ')}`);
    if (role !== 'tenant') return { source: 'oidc', name: sub, role, tenantId: undefined };
    const tenant = claims[this.options.tenantClaim];
    if (typeof tenant !== 'string' || !SLUG.test(tenant)) throw AdminError.forbidden(`the OIDC token of "${sub}" has the tenant role but no tenant id in claim ${this.options.tenantClaim}`);
    return { source: 'oidc', name: sub, role, tenantId: tenant };
  }
}

function refused(why: string): AdminError {
  return new AdminError('unauthorized', `The OIDC bearer token was refused: ${why}.`);
}

function decodePart(part: string, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below, without the parser's message (it would quote the token).
  }
  throw refused(`its ${what} is not a JSON object`);
}
