import { Server, ServerCredentials, type ServerOptions, type UntypedHandleCall } from '@grpc/grpc-js';
import { serverCallTimer } from './grpc-call.timer';
import { GRPC_SERVER_OPTIONS } from './grpc-channel.options';
import { toGrpcServiceDefinition } from './grpc-definition.converter';
import { serverStreamCallHandler, unaryCallHandler } from './grpc-server.handlers';
import type { ProtoServiceDefinition, ServerStreamHandler, ServiceImplementation, UnaryHandler } from './proto-service.types';
import { ServerCallObserver } from './server-call.observer';

/** Long enough for a unary call to finish, short enough for a pod's termination grace period. */
const DEFAULT_STOP_GRACE_MS = 5_000;

type AnyHandler = UnaryHandler<unknown, unknown> | ServerStreamHandler<unknown, unknown>;

/** One grpc-js server hosting any number of generated services (no Nest involved). */
export class GrpcServerHost {
  private readonly server: Server;

  constructor(options: ServerOptions = {}) {
    this.server = new Server({ ...GRPC_SERVER_OPTIONS, ...options });
  }

  /** Registers `implementation` for `definition`; call before `start`. */
  add<D extends ProtoServiceDefinition>(definition: D, implementation: ServiceImplementation<D>): this {
    const grpcDefinition = toGrpcServiceDefinition(definition);
    // The mapped type already checked each handler against its method; past this point only
    // the streaming flag matters.
    const handlers = implementation as unknown as Readonly<Record<string, AnyHandler | undefined>>;
    const calls: Record<string, UntypedHandleCall> = {};
    for (const [key, method] of Object.entries(definition.methods)) {
      const handler = handlers[key];
      if (handler === undefined) throw new Error(`${definition.fullName}/${method.name} has no implementation`);
      if (method.requestStream) throw new Error(`${definition.fullName}/${method.name}: client streaming is not supported`);
      // Bound once here, so class instances can be passed as implementations.
      const bound = handler.bind(implementation);
      const observer = new ServerCallObserver(`/${definition.fullName}/${method.name}`, serverCallTimer(definition.fullName, method.name));
      calls[key] = method.responseStream
        ? serverStreamCallHandler(bound as ServerStreamHandler<unknown, unknown>, observer)
        : unaryCallHandler(bound as UnaryHandler<unknown, unknown>, observer);
    }
    this.server.addService(grpcDefinition, calls);
    return this;
  }

  /** Listens on `host:port` (port 0 picks a free one) and resolves with the bound port. */
  start(host: string, port: number): Promise<number> {
    const address = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
    return new Promise((resolve, reject) => {
      this.server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
    });
  }

  /**
   * Stops accepting calls and waits for the running ones; after `graceMs` cancels whatever is
   * left (their handlers see the abort signal).
   */
  stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
