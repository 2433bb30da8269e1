import { ErrorKind, type HealthCheckRequest, type HealthCheckResponse, HealthCheckResponse_ServingStatus as ServingStatus, IrError } from '@switchyard/ir';

/** The name under which the whole server's status is reported (grpc.health.v1: the empty string). */
export const OVERALL_HEALTH = '';

type Listener = (status: ServingStatus) => void;

/**
 * The state behind grpc.health.v1.Health (Check and Watch) for one server: a status per
 * service name, the overall one under "". Statuses change only through `set` and `shutdown`
 * (the dependency monitor and the drain), never per call, so Check is a map lookup.
 */
export class GrpcHealthService {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly ended = new Set<() => void>();
  private stopped = false;

  /** `services` are the full names served (`switchyard.auth.v1.AuthService`); all start NOT_SERVING. */
  constructor(readonly services: readonly string[]) {
    for (const name of [OVERALL_HEALTH, ...services]) this.statuses.set(name, ServingStatus.NOT_SERVING);
  }

  /** Sets every known name (overall and each service) at once: they share the same dependencies. */
  setAll(status: ServingStatus): void {
    for (const name of this.statuses.keys()) this.set(name, status);
  }

  set(service: string, status: ServingStatus): void {
    // After shutdown nothing may report SERVING again: the server is going away.
    if (this.stopped || this.statuses.get(service) === status) return;
    this.statuses.set(service, status);
    for (const listener of this.listeners.get(service) ?? []) listener(status);
  }

  status(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  /** The spec: an unknown service fails with NOT_FOUND. */
  check(request: HealthCheckRequest): Promise<HealthCheckResponse> {
    const status = this.statuses.get(request.service ?? OVERALL_HEALTH);
    if (status === undefined) return Promise.reject(new IrError(ErrorKind.ERROR_KIND_NOT_FOUND, `unknown service ${request.service}`));
    return Promise.resolve({ status });
  }

  /**
   * The current status at once, then each change, until the caller goes away or the server
   * shuts down. An unknown service is reported SERVICE_UNKNOWN and the call stays open (spec).
   */
  async *watch(request: HealthCheckRequest, signal: AbortSignal): AsyncGenerator<HealthCheckResponse> {
    const service = request.service ?? OVERALL_HEALTH;
    const queue: ServingStatus[] = [this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN];
    let wake: (() => void) | undefined;
    const notify = (): void => {
      wake?.();
      wake = undefined;
    };
    const listener: Listener = (status) => {
      queue.push(status);
      notify();
    };
    let listeners = this.listeners.get(service);
    if (!listeners) this.listeners.set(service, (listeners = new Set()));
    listeners.add(listener);
    this.ended.add(notify);
    signal.addEventListener('abort', notify, { once: true });
    try {
      for (;;) {
        const status = queue.shift();
        if (status !== undefined) yield { status };
        else if (signal.aborted || this.stopped) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      listeners.delete(listener);
      this.ended.delete(notify);
      signal.removeEventListener('abort', notify);
    }
  }

  /**
   * For the drain: everything NOT_SERVING (watchers are told), then the Watch streams end, so
   * they do not hold the server's graceful shutdown open until its deadline.
   */
  shutdown(): void {
    this.setAll(ServingStatus.NOT_SERVING);
    this.stopped = true;
    for (const end of this.ended) end();
  }
}
