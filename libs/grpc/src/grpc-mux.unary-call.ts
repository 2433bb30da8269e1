import { type ServiceError, status as Status } from '@grpc/grpc-js';
import type { MuxStatus } from '@switchyard/ir';
import type { MuxCallStream, MuxPending } from './grpc-mux.client';
import { serviceError, statusError } from './grpc-mux.frames';

/** The grpc-js callback a unary call's outcome is handed to, as `makeUnaryRequest`'s. */
export type MuxAnswer<Res> = (error: ServiceError | null, response?: Res) => void;

/**
 * One unary call on a mux stream (AdmitMux, SettleMux): the `answer` frame is its response, a
 * `status` frame its failure, rebuilt as the grpc-js ServiceError a plain call would have failed
 * with; both go to the callback as a plain call's outcome does. Its deadline is the plain call's:
 * when it passes, the server is told to stop (`cancel`) and the call fails DEADLINE_EXCEEDED.
 */
export class MuxUnaryCall<Req, Res> implements MuxPending<Req, Res> {
  /** @internal */
  refusals = 0;
  private stream: MuxCallStream | undefined;
  private id = 0;
  private ended = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly request: Req,
    readonly metadata: Readonly<Record<string, string>>,
    private readonly answer: MuxAnswer<Res>,
  ) {}

  /** Tells the server to stop; the callback gets CANCELLED, as with a plain call. A no-op once the call ended. */
  cancel(): void {
    this.stopWith(serviceError(Status.CANCELLED, 'Cancelled on client'));
  }

  /** @internal */
  expireAt(deadline: number): void {
    if (this.ended) return;
    this.timer = setTimeout(() => this.stopWith(serviceError(Status.DEADLINE_EXCEEDED, 'Deadline exceeded')), Math.max(0, deadline - Date.now()));
    this.timer.unref();
  }

  /** @internal */
  bind(stream: MuxCallStream, id: number): void {
    this.stream = stream;
    this.id = id;
  }

  /** @internal */
  isLast(): boolean {
    return true;
  }

  /** @internal */
  push(response: Res): void {
    if (!this.end()) return;
    this.answer(null, response);
  }

  /** @internal The call's status arrived: a unary call ends with an answer, so OK without one is a broken server. */
  finish(status: MuxStatus): void {
    this.fail(status.code === Status.OK ? serviceError(Status.INTERNAL, 'No message received') : statusError(status));
  }

  /** @internal */
  fail(error: ServiceError): void {
    if (!this.end()) return;
    this.answer(error);
  }

  private stopWith(error: ServiceError): void {
    if (this.ended) return;
    this.stream?.cancel(this.id);
    this.fail(error);
  }

  // False when it had already ended.
  private end(): boolean {
    if (this.ended) return false;
    this.ended = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    return true;
  }
}
