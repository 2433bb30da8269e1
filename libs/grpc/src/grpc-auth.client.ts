import { type AdmitRequest, type AdmitResponse, type AuthPort, AuthServiceDefinition, type HeartbeatRequest, type SettleRequest } from '@switchyard/ir';
import { toGrpcServiceDefinition } from './grpc-definition.converter';
import { type GrpcClientOptions, GrpcPortClient } from './grpc-port.client';
import type { CallMetadata } from './proto-service.types';

const AUTH = toGrpcServiceDefinition(AuthServiceDefinition);

/** AuthPort over gRPC (cluster mode). */
export class GrpcAuthClient extends GrpcPortClient implements AuthPort {
  constructor(address: string, options?: GrpcClientOptions) {
    super(address, options);
  }

  admit(request: AdmitRequest, metadata?: CallMetadata): Promise<AdmitResponse> {
    return this.unary(AUTH.admit, request, metadata);
  }

  async settle(request: SettleRequest, metadata?: CallMetadata): Promise<void> {
    await this.unary(AUTH.settle, request, metadata);
  }

  async heartbeat(request: HeartbeatRequest, metadata?: CallMetadata): Promise<void> {
    await this.unary(AUTH.heartbeat, request, metadata);
  }
}
