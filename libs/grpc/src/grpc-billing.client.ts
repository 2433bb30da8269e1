import { type BillingPort, BillingServiceDefinition, type GetUsageRequest, type GetUsageResponse } from '@switchyard/ir';
import { toGrpcServiceDefinition } from './grpc-definition.converter';
import { type GrpcClientOptions, GrpcPortClient } from './grpc-port.client';
import type { CallMetadata } from './proto-service.types';

const BILLING = toGrpcServiceDefinition(BillingServiceDefinition);

/** BillingPort over gRPC (cluster mode). */
export class GrpcBillingClient extends GrpcPortClient implements BillingPort {
  constructor(address: string, options?: GrpcClientOptions) {
    super(address, options);
  }

  getUsage(request: GetUsageRequest, metadata?: CallMetadata): Promise<GetUsageResponse> {
    return this.unary(BILLING.getUsage, request, { metadata });
  }
}
