import { Client, credentials } from '@grpc/grpc-js';
import { HealthDefinition, type HealthCheckResponse, HealthCheckResponse_ServingStatus as ServingStatus } from '@switchyard/ir';
import { GrpcCallError } from './grpc-call.error';
import { toGrpcServiceDefinition } from './grpc-definition.converter';

const HEALTH = toGrpcServiceDefinition(HealthDefinition);
const CHECK_DEADLINE_MS = 2_000;

/** A grpc.health.v1.Health client, as Kubernetes' gRPC probe and grpc_health_probe call it. */
export class GrpcHealthClient {
  private readonly client: Client;

  constructor(address: string) {
    this.client = new Client(address, credentials.createInsecure());
  }

  /** The status of `service` ("" for the whole server); rejects with a GrpcCallError (NOT_FOUND for an unknown one). */
  check(service = ''): Promise<ServingStatus> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        HEALTH.check.path,
        HEALTH.check.requestSerialize,
        HEALTH.check.responseDeserialize,
        { service },
        { deadline: Date.now() + CHECK_DEADLINE_MS },
        (error, response) => (error ? reject(GrpcCallError.from(HEALTH.check.path, error)) : resolve(response?.status ?? ServingStatus.UNKNOWN)),
      );
    });
  }

  /** Each status the server reports for `service`, until `signal` aborts or the server ends the call. */
  async *watch(service: string, signal: AbortSignal): AsyncGenerator<ServingStatus> {
    const call = this.client.makeServerStreamRequest(HEALTH.watch.path, HEALTH.watch.requestSerialize, HEALTH.watch.responseDeserialize, { service });
    const cancel = (): void => call.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      for await (const message of call as AsyncIterable<HealthCheckResponse>) yield message.status ?? ServingStatus.UNKNOWN;
    } catch (error) {
      if (!signal.aborted) throw GrpcCallError.from(HEALTH.watch.path, error);
    } finally {
      signal.removeEventListener('abort', cancel);
      call.cancel();
    }
  }

  close(): void {
    this.client.close();
  }
}
