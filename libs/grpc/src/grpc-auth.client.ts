import { type AdmitRequest, type AdmitResponse, type AuthPort, AuthServiceDefinition, type DescribeKeyRequest, type DescribeKeyResponse, type HeartbeatRequest, type SettleRequest, type SettleResponse } from '@switchyard/ir';
import { toGrpcServiceDefinition } from './grpc-definition.converter';
import { type GrpcClientOptions, GrpcPortClient } from './grpc-port.client';
import type { CallMetadata } from './proto-service.types';

const AUTH = toGrpcServiceDefinition(AuthServiceDefinition);

/**
 * AuthPort over gRPC (cluster mode). With `mux` (SWITCHYARD_GRPC_MUX), Admit and Settle, the two
 * calls of every request of a key with limits, go as frames on AdmitMux/SettleMux streams
 * (docs/architecture.md §6); the other calls stay plain.
 */
export class GrpcAuthClient extends GrpcPortClient implements AuthPort {
  private readonly admitMux;
  private readonly settleMux;

  constructor(address: string, options?: GrpcClientOptions) {
    super(address, options);
    this.admitMux = this.muxPool<AdmitRequest, AdmitResponse>(AUTH.admitMux);
    this.settleMux = this.muxPool<SettleRequest, SettleResponse>(AUTH.settleMux);
  }

  /**
   * Retried once on a dropped connection, counted or not: a dying replica may already have run
   * the admission in the quota store, and the store admits a repeated request id again without
   * counting it twice (ADMIT_SCRIPT, libs/auth; docs/architecture.md, Cluster).
   */
  admit(request: AdmitRequest, metadata?: CallMetadata): Promise<AdmitResponse> {
    return this.unary(AUTH.admit, request, { metadata, retryUnavailable: true }, this.admitMux);
  }

  // Settle and Heartbeat are retried by the ingress's QuotaHold, not here.
  async settle(request: SettleRequest, metadata?: CallMetadata): Promise<void> {
    await this.unary(AUTH.settle, request, { metadata }, this.settleMux);
  }

  async heartbeat(request: HeartbeatRequest, metadata?: CallMetadata): Promise<void> {
    await this.unary(AUTH.heartbeat, request, { metadata });
  }

  describeKey(request: DescribeKeyRequest, metadata?: CallMetadata): Promise<DescribeKeyResponse> {
    return this.unary(AUTH.describeKey, request, { metadata });
  }

  async corsOrigins(metadata?: CallMetadata): Promise<string[]> {
    return (await this.unary(AUTH.listCorsOrigins, {}, { metadata })).origins;
  }
}
