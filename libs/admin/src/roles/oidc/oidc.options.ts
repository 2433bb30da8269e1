/** OIDC bearer tokens for the admin API (SWITCHYARD_ADMIN_OIDC_*, docs/configuration.md). */
export interface OidcOptions {
  /** The `iss` every token must carry, exactly. */
  issuer: string;
  /** A value the token's `aud` must hold. */
  audience: string;
  /** Where the provider publishes its signing keys (a JWKS document): an http(s) URL or a file. */
  jwks: { url: string } | { file: string };
  /** The claim holding the role (a string, or a list such as groups): default `switchyard_role`. */
  roleClaim: string;
  /** The claim holding a tenant admin's tenant: default `switchyard_tenant`. */
  tenantClaim: string;
}
