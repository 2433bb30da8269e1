import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import type { ServiceImplementation } from '@switchyard/grpc';
import {
  type AdmitRequest,
  type AdmitResponse,
  AUTH_PORT,
  type AuthPort,
  AuthServiceDefinition,
  type DescribeKeyRequest,
  type DescribeKeyResponse,
  type HeartbeatRequest,
  type ListCorsOriginsResponse,
  type HeartbeatResponse,
  type SettleRequest,
  type SettleResponse,
} from '@switchyard/ir';

const SERVICE = AuthServiceDefinition.name;

/** switchyard.auth.v1.AuthService: one port call per RPC. */
@Controller()
export class AuthController implements ServiceImplementation<AuthServiceDefinition> {
  constructor(@Inject(AUTH_PORT) private readonly auth: AuthPort) {}

  @GrpcMethod(SERVICE, 'Admit')
  admit(@Payload() request: AdmitRequest): Promise<AdmitResponse> {
    return this.auth.admit(request);
  }

  @GrpcMethod(SERVICE, 'Settle')
  async settle(@Payload() request: SettleRequest): Promise<SettleResponse> {
    await this.auth.settle(request);
    return {};
  }

  @GrpcMethod(SERVICE, 'Heartbeat')
  async heartbeat(@Payload() request: HeartbeatRequest): Promise<HeartbeatResponse> {
    await this.auth.heartbeat(request);
    return {};
  }

  @GrpcMethod(SERVICE, 'DescribeKey')
  describeKey(@Payload() request: DescribeKeyRequest): Promise<DescribeKeyResponse> {
    return this.describe(request);
  }

  @GrpcMethod(SERVICE, 'ListCorsOrigins')
  async listCorsOrigins(): Promise<ListCorsOriginsResponse> {
    return { origins: (await this.auth.corsOrigins?.()) ?? [] };
  }

  private describe(request: DescribeKeyRequest): Promise<DescribeKeyResponse> {
    if (!this.auth.describeKey) throw new Error('this auth service cannot describe keys');
    return this.auth.describeKey(request);
  }
}
