import type { MethodDefinition } from '@grpc/grpc-js';

// The slice of ts-proto's `outputServices=generic-definitions` output this lib relies on.
// Declared with method syntax on purpose: a concrete `MessageFns<AdmitRequest>` then fits
// `ProtoMessageType<unknown>` (method parameters are bivariant), which lets one constraint
// cover every generated service without `any`.

/** A generated message type (`MessageFns<T>`): `encode(msg).finish()` and `decode(bytes)`. */
export interface ProtoMessageType<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

export interface ProtoMethodDefinition<Req = unknown, Res = unknown> {
  readonly name: string;
  readonly requestType: ProtoMessageType<Req>;
  readonly requestStream: boolean;
  readonly responseType: ProtoMessageType<Res>;
  readonly responseStream: boolean;
}

/** A generated `XxxServiceDefinition`. */
export interface ProtoServiceDefinition {
  readonly name: string;
  readonly fullName: string;
  readonly methods: { readonly [method: string]: ProtoMethodDefinition };
}

export type RequestOf<M extends ProtoMethodDefinition> = ReturnType<M['requestType']['decode']>;
export type ResponseOf<M extends ProtoMethodDefinition> = ReturnType<M['responseType']['decode']>;

/** The grpc-js definition built from a generated one, typed method by method. */
export type GrpcServiceDefinition<D extends ProtoServiceDefinition> = {
  readonly [K in keyof D['methods']]: MethodDefinition<RequestOf<D['methods'][K]>, ResponseOf<D['methods'][K]>>;
};

/** Aborting `signal` means the caller cancelled or went away. */
export type UnaryHandler<Req, Res> = (request: Req, signal: AbortSignal) => Promise<Res>;

/** Aborting `signal` means the caller went away: stop the upstream work at once. */
export type ServerStreamHandler<Req, Res> = (request: Req, signal: AbortSignal) => AsyncIterable<Res>;

/** Client-streaming and bidi methods are not part of any contract yet, so they cannot be implemented. */
export type MethodHandler<M extends ProtoMethodDefinition> = M extends { readonly requestStream: true }
  ? never
  : M extends { readonly responseStream: true }
    ? ServerStreamHandler<RequestOf<M>, ResponseOf<M>>
    : UnaryHandler<RequestOf<M>, ResponseOf<M>>;

/**
 * A handler per method, bidi `<Rpc>Mux` methods excepted: the host serves those with the
 * handler of `<Rpc>` (GrpcServerHost, docs/architecture.md §6).
 */
export type ServiceImplementation<D extends ProtoServiceDefinition> = {
  readonly [K in keyof D['methods'] as D['methods'][K] extends { readonly requestStream: true } ? never : K]: MethodHandler<D['methods'][K]>;
};

/** Per-call request metadata (e.g. `x-request-id`, later W3C `traceparent`). Keys lower-case. */
export type CallMetadata = Readonly<Record<string, string>>;
