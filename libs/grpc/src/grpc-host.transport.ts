import { type CustomTransportStrategy, GrpcMethodStreamingType, type MessageHandler, Server, Transport } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { HealthDefinition } from '@switchyard/ir';
import type { GrpcHealthService } from './grpc-health.service';
import { GrpcServerHost } from './grpc-server.host';
import type { ProtoServiceDefinition, ServerStreamHandler, ServiceImplementation, UnaryHandler } from './proto-service.types';

export interface GrpcHostTransportOptions {
  /** For logs, e.g. "auth". */
  readonly name: string;
  readonly host: string;
  /** 0 picks a free port; `port()` tells which after `listen`. */
  readonly port: number;
  /** The generated definitions this server hosts; grpc.health.v1.Health is added. */
  readonly services: readonly ProtoServiceDefinition[];
  /** Its state is shut down first on close, which ends the Watch streams. */
  readonly health: GrpcHealthService;
}

type NestReply = Promise<unknown>;

/**
 * A Nest microservice transport over our grpc-js host (docs/architecture.md, "Cluster services"):
 * the `@GrpcMethod(service, rpc)` handlers of the app's controllers are bound to the
 * ts-proto-generated definitions, so messages are encoded by the generated code, oneofs keep
 * the IR's `$case` shape, and a server stream is written from the controller's AsyncIterable
 * with backpressure. Nest's own gRPC transport loads the .proto files at run time and decodes
 * into another object shape; the measured difference is in the architecture doc.
 */
export class GrpcHostTransport extends Server implements CustomTransportStrategy {
  override readonly transportId = Transport.GRPC;
  private readonly server = new GrpcServerHost();
  private boundPort = 0;

  constructor(private readonly options: GrpcHostTransportOptions) {
    super();
  }

  /** The bound port, once listening. */
  port(): number {
    return this.boundPort;
  }

  listen(callback: (error?: unknown) => void): void {
    try {
      const definitions: readonly ProtoServiceDefinition[] = [...this.options.services, HealthDefinition];
      // Checked per method against the definition's streaming flag in `implementation`; the
      // per-message types are the controllers' (each implements ServiceImplementation<D>).
      for (const definition of definitions) this.server.add(definition, this.implementation(definition) as ServiceImplementation<ProtoServiceDefinition>);
    } catch (error) {
      callback(error);
      return;
    }
    this.server.start(this.options.host, this.options.port).then(
      (port) => {
        this.boundPort = port;
        this.logger.log(`${this.options.name} gRPC listening on ${this.options.host}:${port}`);
        callback();
      },
      (error: unknown) => callback(error),
    );
  }

  /** Reports NOT_SERVING, then stops taking calls and lets running ones finish (the drain). */
  async close(): Promise<void> {
    this.options.health.shutdown();
    await this.server.stop();
  }

  on(): never {
    throw new Error('GrpcHostTransport emits no events');
  }

  unwrap<T>(): T {
    return this.server as T;
  }

  // Every method of the definition must have a handler: a controller missing one fails the
  // boot, not the first call.
  private implementation(definition: ProtoServiceDefinition): Record<string, UnaryHandler<unknown, unknown> | ServerStreamHandler<unknown, unknown>> {
    const calls: Record<string, UnaryHandler<unknown, unknown> | ServerStreamHandler<unknown, unknown>> = {};
    for (const [key, method] of Object.entries(definition.methods)) {
      // A `<Rpc>Mux` method is served by the host with `<Rpc>`'s handler.
      if (method.requestStream) continue;
      const pattern = this.normalizePattern({ service: definition.name, rpc: method.name, streaming: GrpcMethodStreamingType.NO_STREAMING });
      const handler = this.getHandlerByPattern(pattern);
      if (!handler) throw new Error(`${definition.fullName}/${method.name}: no @GrpcMethod('${definition.name}', '${method.name}') handler`);
      calls[key] = method.responseStream ? streamCall(handler) : unaryCall(handler);
    }
    return calls;
  }
}

// The transport passes (request, signal): controllers take them with @Payload() and @Ctx().
// Nest's proxy resolves to what the controller returned, or (when it threw) to an Observable
// that errors with what the exception filter made of it: GrpcPassthroughFilter keeps the
// thrown error, which the host maps to a status (grpc-error.mapper).
function unaryCall(handler: MessageHandler): UnaryHandler<unknown, unknown> {
  return async (request, signal) => {
    const reply = await (handler(request, signal) as NestReply);
    return isObservable(reply) ? lastValueFrom(reply) : reply;
  };
}

function streamCall(handler: MessageHandler): ServerStreamHandler<unknown, unknown> {
  // Hands the host the controller's own iterator once Nest's proxy resolved, rather than
  // re-yielding each message through a generator of ours: one async hop less per message
  // (measured: ~2 µs of CPU per streamed event; docs/architecture.md, "Cluster services").
  return (request, signal) => ({
    [Symbol.asyncIterator](): AsyncIterator<unknown> {
      let inner: AsyncIterator<unknown> | undefined;
      const opened = (handler(request, signal) as NestReply).then((reply) => (inner = iteratorOf(reply)));
      return {
        next: () => (inner ? inner.next() : opened.then((it) => it.next())),
        return: async (value?: unknown) => (await opened.catch(() => undefined))?.return?.(value) ?? { done: true, value },
      };
    },
  });
}

function iteratorOf(reply: unknown): AsyncIterator<unknown> {
  // What the exception filter made of a throw before the first message: an erroring Observable.
  if (isObservable(reply)) return (async function* () {
    yield await lastValueFrom(reply);
  })();
  return (reply as AsyncIterable<unknown>)[Symbol.asyncIterator]();
}
