import { Inject, Injectable } from '@nestjs/common';
import { isAdmin } from '@switchyard/shared';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import { ADMIN_TOKEN_SECRET_PREFIX } from '../admin-tokens/admin-token-secret';
import { AdminTokenRegistry } from '../admin-tokens/admin-token.registry';
import { AdminError } from '../http/admin.error';
import { BOOTSTRAP_PRINCIPAL, type AdminPrincipal } from './admin-principal';
import { OidcTokenVerifier, looksLikeJwt } from './oidc/oidc-token.verifier';

/**
 * Who holds a bearer credential: the bootstrap token (SWITCHYARD_ADMIN_TOKEN, a platform admin),
 * a named token (`sy-admin-…`, by its hash), or with OIDC configured a JWT. 401 for anything else.
 */
@Injectable()
export class AdminPrincipalResolver {
  private readonly oidc: OidcTokenVerifier | undefined;

  constructor(
    @Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'token' | 'oidc'>,
    private readonly tokens: AdminTokenRegistry,
  ) {
    this.oidc = options.oidc && new OidcTokenVerifier(options.oidc);
  }

  async resolve(authorization: string | undefined): Promise<AdminPrincipal> {
    if (isAdmin(authorization, this.options.token)) return BOOTSTRAP_PRINCIPAL;
    const bearer = bearerOf(authorization);
    if (bearer?.startsWith(ADMIN_TOKEN_SECRET_PREFIX)) {
      const principal = await this.tokens.find(bearer);
      if (principal) return principal;
    } else if (bearer !== undefined && this.oidc && looksLikeJwt(bearer)) {
      return this.oidc.verify(bearer);
    }
    // One answer for a wrong, revoked or unknown token: which it was is not the caller's business.
    throw new AdminError('unauthorized', 'A valid admin bearer token is required.');
  }
}

function bearerOf(authorization: string | undefined): string | undefined {
  if (!authorization || authorization.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = authorization.slice(7).trim();
  return token === '' ? undefined : token;
}
