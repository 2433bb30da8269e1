import { status as Status } from '@grpc/grpc-js';
import { type HistogramChild, type HistogramSeries, metricSeries } from '@switchyard/telemetry';
import { performance } from 'node:perf_hooks';

type GrpcSeries = HistogramSeries<'service' | 'method' | 'code'>;

/**
 * Times the calls of one gRPC method into switchyard_grpc_server_duration_seconds or
 * switchyard_grpc_client_duration_seconds. Made once per method (server: when the service is
 * added; client: on its first call), with one bound child per status code as codes occur, so a
 * call costs a clock read at each end and an observation (docs/metrics.md).
 */
export class GrpcCallTimer {
  private readonly byCode: (HistogramChild | undefined)[] = [];

  constructor(
    private readonly series: GrpcSeries,
    private readonly service: string,
    private readonly method: string,
  ) {}

  /** The clock a call starts with. */
  static now(): number {
    return performance.now();
  }

  /** One call that began at `startedAt` (`GrpcCallTimer.now()`) ended with `code`. */
  observe(code: number, startedAt: number): void {
    const slot = code >= 0 && code <= Status.UNAUTHENTICATED ? code : Status.UNKNOWN;
    const child = (this.byCode[slot] ??= this.series.child({ service: this.service, method: this.method, code: Status[slot] }));
    child.observe((performance.now() - startedAt) / 1000);
  }
}

/** The timer of a served method (the service's full name, e.g. switchyard.auth.v1.AuthService, and the rpc name). */
export function serverCallTimer(service: string, method: string): GrpcCallTimer {
  return new GrpcCallTimer(metricSeries().grpcServerDuration, service, method);
}

const clientTimers = new Map<string, GrpcCallTimer>();

/** The timer of a method this process calls, by its path (`/switchyard.auth.v1.AuthService/Admit`); one per path. */
export function clientCallTimer(path: string): GrpcCallTimer {
  let timer = clientTimers.get(path);
  if (timer === undefined) {
    const [, service = '', method = ''] = path.split('/');
    timer = new GrpcCallTimer(metricSeries().grpcClientDuration, service, method);
    clientTimers.set(path, timer);
  }
  return timer;
}
