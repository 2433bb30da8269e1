export { AdminModule } from './admin.module';
export { ADMIN_OPTIONS, type AdminOptions } from './admin.options';
export { ADMIN_CONTROLLERS } from './admin.controllers';
export { ADMIN_ERROR_TYPES, AdminError, type AdminErrorType } from './http/admin.error';
export { ADMIN_PREFIX, type AdminRouteSpec } from './http/admin-route';
export { ACTOR_HEADER } from './http/route-input.parser';
export { KEY_SECRET_PREFIX } from './keys/key-secret';
export { adminRoutesOf, buildOpenApiDocument, type OpenApiDocument } from './openapi/openapi-document.builder';
// The CLI tells the community price file from our own price files before sending it.
export { isCommunityPriceFile } from './prices/community-price-file';
