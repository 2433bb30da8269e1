import { Controller, Inject } from '@nestjs/common';
import { Ctx, GrpcMethod, Payload } from '@nestjs/microservices';
import { HealthDefinition, type HealthCheckRequest, type HealthCheckResponse } from '@switchyard/ir';
import { GrpcHealthService } from './grpc-health.service';
import type { ServiceImplementation } from './proto-service.types';

const SERVICE = HealthDefinition.name;

/** grpc.health.v1.Health, served by every cluster service (Kubernetes' gRPC probes call it). */
@Controller()
export class GrpcHealthController implements ServiceImplementation<HealthDefinition> {
  constructor(@Inject(GrpcHealthService) private readonly health: GrpcHealthService) {}

  @GrpcMethod(SERVICE, 'Check')
  check(@Payload() request: HealthCheckRequest): Promise<HealthCheckResponse> {
    return this.health.check(request);
  }

  @GrpcMethod(SERVICE, 'Watch')
  watch(@Payload() request: HealthCheckRequest, @Ctx() signal: AbortSignal): AsyncIterable<HealthCheckResponse> {
    return this.health.watch(request, signal);
  }
}
