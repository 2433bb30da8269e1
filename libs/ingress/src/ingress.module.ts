import { DynamicModule, Module } from '@nestjs/common';
import { AUTH_PORT, AuthPort, BILLING_PORT, BillingPort, ROUTER_PORT, ResponseStorePort, RouterPort, USAGE_SINK, UsageSink } from '@switchyard/ir';
import { AccessLog, type AccessSink } from './access-log';
import { ADMIN_TOKEN, AdminRoutingController } from './admin-routing.controller';
import { ChatPipeline, INGRESS_OPTIONS } from './chat-pipeline.service';
import { clientAddressResolver } from './client-address';
import { HealthController, ReadinessCheck } from './health.controller';
import { MeController } from './me/me.controller';
import { ModelsController } from './models.controller';
import { ResponsesController } from './responses/responses.controller';
import { RegionReadiness } from './region-readiness';
import type { PeerSpill } from './region/peer-spill';
import type { AuditCaptureSettings } from './audit/audit-body.capture';
import { RequestLimits, type RequestLimitSettings } from './request-limits';

/** What the public edge needs; standalone passes in-process services, cluster passes gRPC clients. */
export interface IngressPorts {
  auth: AuthPort;
  router: RouterPort;
  usage: UsageSink;
  /** The ledger, for GET /v1/me's spend; without it the spend is null. */
  billing?: BillingPort;
  readiness: ReadinessCheck[];
  region: string;
  /**
   * /readyz's judge, built by the app when the admin API shares it (GET /admin/v1/region);
   * absent, one over `readiness` that does not count models.
   */
  regionReadiness?: RegionReadiness;
  /** Peer regions (region.peers) for spill-over and for believing their forwards; none by default. */
  spill?: PeerSpill;
  /** Proxies (CIDR) whose X-Forwarded-For is believed for IP allow-lists; none by default. */
  trustedProxies?: string[];
  /** The admin API's bearer token; the admin API is disabled without one. */
  adminToken?: string;
  /** Size ceilings per request, from SWITCHYARD_MAX_EMBED_INPUTS and SWITCHYARD_MAX_REQUEST_TOKENS. */
  limits: RequestLimitSettings;
  /** The request audit's body capture: the secret box and the size cap (none: bodies are never captured). */
  audit?: AuditCaptureSettings;
  /** Where the access lines go (one per request); none when unset. */
  accessLog?: AccessSink;
  /** Stored Responses API answers; without it `store` is off and previous_response_id unknown. */
  responses?: ResponseStorePort;
}

@Module({})
export class IngressModule {
  /** `imports`: further modules the app mounts on the same server (the admin API). */
  static forRoot(ports: IngressPorts, imports: DynamicModule[] = []): DynamicModule {
    return {
      module: IngressModule,
      imports,
      // POST /v1/chat/completions is served by HotRoutes, ahead of Nest (see hot-routes.ts).
      controllers: [ModelsController, MeController, ResponsesController, HealthController, AdminRoutingController],
      providers: [
        ChatPipeline,
        {
          provide: INGRESS_OPTIONS,
          useValue: {
            region: ports.region,
            clientAddress: clientAddressResolver(ports.trustedProxies),
            limits: new RequestLimits(ports.limits),
            accessLog: ports.accessLog && new AccessLog(ports.accessLog),
            spill: ports.spill,
            audit: ports.audit,
            responses: ports.responses,
          },
        },
        { provide: AUTH_PORT, useValue: ports.auth },
        { provide: ROUTER_PORT, useValue: ports.router },
        { provide: USAGE_SINK, useValue: ports.usage },
        ...(ports.billing ? [{ provide: BILLING_PORT, useValue: ports.billing }] : []),
        { provide: RegionReadiness, useValue: ports.regionReadiness ?? new RegionReadiness(ports.router, ports.readiness, { region: ports.region, minUsableModelShare: 0 }) },
        { provide: ADMIN_TOKEN, useValue: ports.adminToken },
      ],
    };
  }
}
