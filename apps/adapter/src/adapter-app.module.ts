import { type DynamicModule, Module } from '@nestjs/common';
import type { SwitchyardEnv } from '@switchyard/config';
import { DependencyHealthMonitor, GrpcHealthController, GrpcHealthService } from '@switchyard/grpc';
import { UpstreamService, upstreamOptionsOf } from '@switchyard/upstream';
import { AdapterController } from './adapter.controller';

/**
 * One adapter worker per provider family (ADAPTER_PROVIDER). It has no dependency of its own to
 * check: the upstream providers are the router's business (circuit breakers, probes), so it is
 * SERVING while it runs and NOT_SERVING once it drains.
 */
@Module({})
export class AdapterAppModule {
  static forRoot(env: SwitchyardEnv, health: GrpcHealthService): DynamicModule {
    return {
      module: AdapterAppModule,
      controllers: [AdapterController, GrpcHealthController],
      providers: [
        { provide: GrpcHealthService, useValue: health },
        // Sealed upstream keys are opened here, where the call is made, and nowhere else; the
        // outbound policy and the secret keys are the ones validated at boot, and each call's
        // connect timeout is the router's (GenerateRequest.timeouts). Its pools close on the
        // destroy hook, after the transport drained.
        { provide: UpstreamService, useFactory: () => new UpstreamService(upstreamOptionsOf(env)) },
        { provide: DependencyHealthMonitor, useFactory: () => new DependencyHealthMonitor(health, []) },
      ],
    };
  }
}
