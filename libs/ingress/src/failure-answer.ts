import type { Logger } from '@nestjs/common';
import type { RenderedBody } from '@switchyard/dialects';
import { ErrorKind, IrError, httpStatusOf } from '@switchyard/ir';
import type { Dialect, ErrorEvent } from '@switchyard/ir';
import type { ServerResponse } from 'node:http';
import { ATTEMPTS_HEADER, renderAttempts } from './answer-headers';
import { sendBody } from './response-writer';

/** What every dialect can do: answer an error in its own shape. */
export interface ErrorDialect {
  readonly id: Dialect;
  renderError(error: ErrorEvent): RenderedBody;
}

const INTERNAL: ErrorEvent = { kind: ErrorKind.ERROR_KIND_INTERNAL, message: 'internal error', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] };

/**
 * The one place where a failure on the request path becomes the client's answer, in its dialect
 * (docs/architecture.md, "Errors on the request path"). `err` is whatever the work threw. An
 * IrError (a refusal, or a port's in-band answer carried whole by `IrError.fromEvent`) keeps its
 * kind; anything else is our bug, logged whole and answered 500. Logged as well: a 5xx the
 * ingress or a dependency raised (auth unreachable), which an operator acts on. A refusal of the
 * client's request, or a failure the router answered (and logged) itself, is only answered.
 * Nothing is written once the answer has begun: a stream ends with its dialect's error event
 * instead, written where the stream is.
 */
export function answerFailure(dialect: ErrorDialect, res: ServerResponse, requestId: string, err: unknown, log: Logger): undefined {
  if (err instanceof IrError) {
    if (!err.event && httpStatusOf(err.kind) >= 500) log.warn(`request ${requestId}: ${err.detail ?? err.message}`);
    sendError(dialect, res, err.toEvent());
    return undefined;
  }
  log.error(`request ${requestId} failed: ${(err as Error | undefined)?.stack ?? String(err)}`);
  sendError(dialect, res, INTERNAL);
  return undefined;
}

function sendError(dialect: ErrorDialect, res: ServerResponse, error: ErrorEvent): void {
  const rendered = dialect.renderError(error);
  const headers = error.attemptLog?.length ? { ...rendered.headers, [ATTEMPTS_HEADER]: renderAttempts(error.attemptLog) } : rendered.headers;
  sendBody(res, rendered.status || httpStatusOf(error.kind), rendered.body, headers);
}
