import { Controller, Inject, UseFilters, UseGuards } from '@nestjs/common';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminRoute, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import type { OpenApiDocument } from './openapi-document.builder';
import { getOpenApi } from './openapi.routes';

/** The document, built once at start from every admin controller's routes (AdminModule provides it). */
export const ADMIN_OPENAPI_DOCUMENT = Symbol('AdminOpenApiDocument');

@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class OpenApiController {
  constructor(@Inject(ADMIN_OPENAPI_DOCUMENT) private readonly document: OpenApiDocument) {}

  @AdminRoute(getOpenApi)
  get(): RouteOutput<typeof getOpenApi> {
    return this.document;
  }
}
