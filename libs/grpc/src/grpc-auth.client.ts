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

  /**
   * Retried on a dropped connection only when uncounted: a counted admission that a dying replica
   * had already run in the quota store would be counted twice (its window counts, and a budget
   * reservation that the one settle never releases), so it fails like any call in flight.
   * An uncounted one never reaches the store (docs/architecture.md, Cluster).
   */
  admit(request: AdmitRequest, metadata?: CallMetadata): Promise<AdmitResponse> {
    return this.unary(AUTH.admit, request, { metadata, retryUnavailable: request.counted !== true });
  }

  // Settle and Heartbeat are retried by the ingress's QuotaHold, not here.
  async settle(request: SettleRequest, metadata?: CallMetadata): Promise<void> {
    await this.unary(AUTH.settle, request, { metadata });
  }

  async heartbeat(request: HeartbeatRequest, metadata?: CallMetadata): Promise<void> {
    await this.unary(AUTH.heartbeat, request, { metadata });
  }
}
