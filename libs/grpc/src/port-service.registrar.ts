import {
  AdapterServiceDefinition,
  type AdapterPort,
  AuthServiceDefinition,
  type AuthPort,
  BillingServiceDefinition,
  type BillingPort,
  ErrorKind,
  type MediaResponse,
  type ResponseEvent,
  RouterServiceDefinition,
  type RouterPort,
} from '@switchyard/ir';
import { eventBatches } from './event-batches';
import type { GrpcServerHost } from './grpc-server.host';

// The gRPC face of each port: decode, call the one port method, encode. Kept this thin so
// cluster mode behaves exactly like the in-process binding of standalone mode.

export function serveAuth(host: GrpcServerHost, impl: AuthPort): GrpcServerHost {
  return host.add(AuthServiceDefinition, {
    admit: (request) => impl.admit(request),
    settle: (request) => impl.settle(request).then(() => ({})),
    heartbeat: (request) => impl.heartbeat(request).then(() => ({})),
    describeKey: (request) => (impl.describeKey ? impl.describeKey(request) : Promise.reject(new Error('this auth service cannot describe keys'))),
    listCorsOrigins: async () => ({ origins: (await impl.corsOrigins?.()) ?? [] }),
  });
}

export function serveRouter(host: GrpcServerHost, impl: RouterPort): GrpcServerHost {
  return host.add(RouterServiceDefinition, {
    route: ({ request }, signal) => eventBatches(request ? impl.route(request, signal) : missingRequest('RouteRequest')),
    listModels: () => impl.listModels(),
    embed: (request, signal) => impl.embed(request, signal),
    countTokens: ({ request }, signal) => impl.countTokens(request ?? { model: '', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, signal),
    media: (request, signal) => (impl.media ? impl.media(request, signal) : Promise.resolve(noMedia('router'))),
    healthState: () => impl.healthState(),
  });
}

export function serveAdapter(host: GrpcServerHost, impl: AdapterPort): GrpcServerHost {
  return host.add(AdapterServiceDefinition, {
    generate: (request, signal) => eventBatches(impl.generate(request, signal)),
    embed: (request, signal) => impl.embed(request, signal),
    countTokens: (request, signal) => impl.countTokens(request, signal),
    media: (request, signal) => (impl.media ? impl.media(request, signal) : Promise.resolve(noMedia('adapter'))),
  });
}

/** A port without images and audio (never one the apps bind): answered in-band, as every failure. */
export function noMedia(service: string): MediaResponse {
  return {
    contentType: '',
    body: Buffer.alloc(0),
    error: { kind: ErrorKind.ERROR_KIND_INTERNAL, message: `this ${service} serves no images or audio`, param: '', retryable: false, providerStatus: 0, retryAfterMs: 0, attemptLog: [] },
  };
}

export function serveBilling(host: GrpcServerHost, impl: BillingPort): GrpcServerHost {
  return host.add(BillingServiceDefinition, { getUsage: (request) => impl.getUsage(request) });
}

// The streaming contract is "never throw": a malformed call is answered with an error event.
async function* missingRequest(message: string): AsyncGenerator<ResponseEvent> {
  yield {
    event: {
      $case: 'error',
      value: { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message: `${message}.request is required`, param: 'request', retryable: false, providerStatus: 0, retryAfterMs: 0, attemptLog: [] },
    },
  };
}
