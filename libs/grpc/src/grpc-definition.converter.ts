import type { MethodDefinition } from '@grpc/grpc-js';
import type { GrpcServiceDefinition, ProtoMethodDefinition, ProtoServiceDefinition } from './proto-service.types';

// Definitions are built once per generated service and shared by every server and client,
// so the serializers are never re-created on the call path.
const cache = new WeakMap<ProtoServiceDefinition, unknown>();

/** ts-proto generic definition → grpc-js `ServiceDefinition` (memoised per definition). */
export function toGrpcServiceDefinition<D extends ProtoServiceDefinition>(definition: D): GrpcServiceDefinition<D> {
  const cached = cache.get(definition);
  if (cached !== undefined) return cached as GrpcServiceDefinition<D>;
  const methods: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [key, method] of Object.entries(definition.methods)) {
    methods[key] = toGrpcMethodDefinition(definition.fullName, method);
  }
  cache.set(definition, methods);
  return methods as GrpcServiceDefinition<D>;
}

function toGrpcMethodDefinition<Req, Res>(fullName: string, method: ProtoMethodDefinition<Req, Res>): MethodDefinition<Req, Res> {
  const { requestType, responseType } = method;
  return {
    path: `/${fullName}/${method.name}`,
    originalName: method.name,
    requestStream: method.requestStream,
    responseStream: method.responseStream,
    requestSerialize: (value) => toBuffer(requestType.encode(value).finish()),
    requestDeserialize: (bytes) => requestType.decode(bytes),
    responseSerialize: (value) => toBuffer(responseType.encode(value).finish()),
    responseDeserialize: (bytes) => responseType.decode(bytes),
  };
}

// A view over the writer's bytes rather than `Buffer.from(uint8Array)`, which copies: requests
// carry base64 images of several MiB.
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
