import { type ArgumentsHost, Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

/**
 * Hands what a gRPC controller threw back to the transport unchanged. Nest's default RPC filter
 * turns any error that is not an RpcException into "Internal server error", which would lose the
 * IrError kind that grpc-error.mapper turns into the status code and metadata callers read.
 */
@Catch()
export class GrpcPassthroughFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
