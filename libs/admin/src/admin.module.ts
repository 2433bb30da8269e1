import { Module, type DynamicModule } from '@nestjs/common';
import { ADMIN_GATE } from '@switchyard/shared';
import { ADMIN_CONTROLLERS } from './admin.controllers';
import { ADMIN_OPTIONS, type AdminOptions } from './admin.options';
import { AdminTokenRegistry } from './admin-tokens/admin-token.registry';
import { AdminTokensAdminService } from './admin-tokens/admin-tokens-admin.service';
import { AdminChanges } from './audit/admin-changes.service';
import { CreditsAdminService } from './credits/credits-admin.service';
import { AdminTokenGuard } from './http/admin-token.guard';
import { UnknownAdminRouteController } from './http/unknown-admin-route.controller';
import { KeysAdminService } from './keys/keys-admin.service';
import { ModelsAdminService } from './models/models-admin.service';
import { adminRoutesOf, buildOpenApiDocument } from './openapi/openapi-document.builder';
import { ADMIN_OPENAPI_DOCUMENT } from './openapi/openapi.controller';
import { PricesImportService } from './prices/prices-import.service';
import { ProvidersAdminService } from './providers/providers-admin.service';
import { AdminPrincipalResolver } from './roles/admin-principal.resolver';
import { AdminReaderGate } from './roles/admin-reader.gate';
import { PlansAdminService } from './plans/plans-admin.service';
import { TenantsAdminService } from './tenants/tenants-admin.service';

/**
 * The operator's REST API under /admin/v1, mounted on the ingress's HTTP server by the app
 * (`startIngressApp({ imports: [AdminModule.forRoot(…)] })`).
 */
@Module({})
export class AdminModule {
  static forRoot(options: AdminOptions): DynamicModule {
    return {
      module: AdminModule,
      // The wildcard last, after every declared route.
      controllers: [...ADMIN_CONTROLLERS, UnknownAdminRouteController],
      providers: [
        { provide: ADMIN_OPTIONS, useValue: options },
        { provide: ADMIN_OPENAPI_DOCUMENT, useFactory: () => buildOpenApiDocument(adminRoutesOf(ADMIN_CONTROLLERS)) },
        AdminTokenRegistry,
        AdminPrincipalResolver,
        AdminTokenGuard,
        AdminChanges,
        TenantsAdminService,
        KeysAdminService,
        ProvidersAdminService,
        ModelsAdminService,
        AdminTokensAdminService,
        { provide: ADMIN_GATE, useClass: AdminReaderGate },
        PricesImportService,
        PlansAdminService,
        CreditsAdminService,
      ],
      // The ingress's operator views outside /admin/v1 (routing health, /metrics) judge credentials with it.
      exports: [ADMIN_GATE],
    };
  }
}
