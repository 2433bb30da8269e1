export { AdminModule } from './admin.module';
export { ADMIN_OPTIONS, type AdminOptions } from './admin.options';
export { ADMIN_CONTROLLERS } from './admin.controllers';
export { ADMIN_ERROR_TYPES, AdminError, type AdminErrorType } from './http/admin.error';
export { ADMIN_PREFIX, type AdminRouteSpec } from './http/admin-route';
export { ADMIN_ROLES, type AdminPrincipal, type AdminRole } from './roles/admin-principal';
export type { RouteAccess, TenantLocator } from './roles/route-access';
export type { OidcOptions } from './roles/oidc/oidc.options';
export { ADMIN_TOKEN_SECRET_PREFIX } from './admin-tokens/admin-token-secret';
export { ACTOR_HEADER } from './http/route-input.parser';
export { KEY_SECRET_PREFIX } from './keys/key-secret';
export { adminRoutesOf, buildOpenApiDocument, type OpenApiDocument } from './openapi/openapi-document.builder';
export { CreditsStatementSection } from './reports/credits-statement.section';
export { PlanStatementSection, type PlanStatementPricer } from './reports/plan-statement.section';
export type { StatementPeriod, StatementSection, StatementSectionLine, StatementSectionResult } from './reports/statement-section';
// The CLI tells the community price file from our own price files before sending it.
export { isCommunityPriceFile } from './prices/community-price-file';
