import { Server, ServerCredentials, type ServerOptions, type UntypedHandleCall } from '@grpc/grpc-js';
import type { ResponseEventBatch } from '@switchyard/ir';
import { serverCallTimer } from './grpc-call.timer';
import { GRPC_SERVER_OPTIONS } from './grpc-channel.options';
import { toGrpcServiceDefinition } from './grpc-definition.converter';
import { muxedMethodOf } from './grpc-mux.frames';
import { muxCallHandler, MuxSessions, muxUnaryCallHandler } from './grpc-mux.server';
import { serverStreamCallHandler, unaryCallHandler } from './grpc-server.handlers';
import type { ProtoMethodDefinition, ProtoServiceDefinition, ServerStreamHandler, ServiceImplementation, UnaryHandler } from './proto-service.types';
import { ServerCallObserver } from './server-call.observer';

/** Long enough for a unary call to finish, short enough for a pod's termination grace period. */
const DEFAULT_STOP_GRACE_MS = 5_000;

type AnyHandler = UnaryHandler<unknown, unknown> | ServerStreamHandler<unknown, unknown>;

/** One grpc-js server hosting any number of generated services (no Nest involved). */
export class GrpcServerHost {
  private readonly server: Server;
  private readonly muxSessions = new MuxSessions();

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
    const observers = new Map<string, ServerCallObserver>();
    const observerOf = (method: ProtoMethodDefinition): ServerCallObserver => {
      let observer = observers.get(method.name);
      if (!observer) observers.set(method.name, (observer = new ServerCallObserver(`/${definition.fullName}/${method.name}`, serverCallTimer(definition.fullName, method.name))));
      return observer;
    };
    for (const [key, method] of Object.entries(definition.methods)) {
      if (method.requestStream) {
        calls[key] = this.muxOf(definition, key, handlers, implementation, observerOf);
        continue;
      }
      const handler = handlers[key];
      if (handler === undefined) throw new Error(`${definition.fullName}/${method.name} has no implementation`);
      // Bound once here, so class instances can be passed as implementations.
      const bound = handler.bind(implementation);
      const observer = observerOf(method);
      calls[key] = method.responseStream
        ? serverStreamCallHandler(bound as ServerStreamHandler<unknown, unknown>, observer)
        : unaryCallHandler(bound as UnaryHandler<unknown, unknown>, observer);
    }
    this.server.addService(grpcDefinition, calls);
    return this;
  }

  /**
   * `<Rpc>Mux` (a bidi method) is served by the handler of `<Rpc>`, a server-streaming one
   * (Route, Generate) or a unary one (Admit, Settle; docs/architecture.md §6, "Calls multiplexed
   * on streams"), observed as `<Rpc>`: its calls count and trace as `<Rpc>` calls. Any other
   * client-streaming method has no implementation.
   */
  private muxOf(definition: ProtoServiceDefinition, key: string, handlers: Readonly<Record<string, AnyHandler | undefined>>, implementation: object, observerOf: (method: ProtoMethodDefinition) => ServerCallObserver): UntypedHandleCall {
    const method = definition.methods[key] as ProtoMethodDefinition;
    const muxed = muxedMethodOf(key);
    const target = muxed === undefined ? undefined : definition.methods[muxed];
    const handler = muxed === undefined ? undefined : handlers[muxed];
    if (!method.responseStream || target === undefined || target.requestStream || handler === undefined) {
      throw new Error(`${definition.fullName}/${method.name}: client streaming is not supported`);
    }
    if (!target.responseStream) return muxUnaryCallHandler(handler.bind(implementation) as UnaryHandler<unknown, unknown>, observerOf(target), this.muxSessions) as UntypedHandleCall;
    const bound = handler.bind(implementation) as ServerStreamHandler<unknown, ResponseEventBatch>;
    return muxCallHandler(bound, observerOf(target), this.muxSessions) as UntypedHandleCall;
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
    // Mux streams are calls that never end by themselves: their clients are told to move on.
    this.muxSessions.drain();
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
