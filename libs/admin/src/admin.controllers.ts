import type { Type } from '@nestjs/common';
import { AdminTokensController } from './admin-tokens/admin-tokens.controller';
import { AuditController } from './audit/audit.controller';
import { ConfigController } from './config/config.controller';
import { CreditsController } from './credits/credits.controller';
import { KeysController } from './keys/keys.controller';
import { ModelsController } from './models/models.controller';
import { OpenApiController } from './openapi/openapi.controller';
import { PricesImportController } from './prices/prices-import.controller';
import { PlansController } from './plans/plans.controller';
import { RegionController } from './region/region.controller';
import { ReportsController } from './reports/reports.controller';
import { RequestAuditController } from './request-audit/request-audit.controller';
import { ProvidersController } from './providers/providers.controller';
import { TenantsController } from './tenants/tenants.controller';
import { UsageController } from './usage/usage.controller';

/** Every controller of /admin/v1; the OpenAPI document is built from their routes. */
export const ADMIN_CONTROLLERS: readonly Type[] = [TenantsController, PlansController, KeysController, ProvidersController, ModelsController, PricesImportController, UsageController, ReportsController, CreditsController, AuditController, RequestAuditController, AdminTokensController, RegionController, ConfigController, OpenApiController];
