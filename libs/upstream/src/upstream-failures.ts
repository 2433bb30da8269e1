import { Logger } from '@nestjs/common';
import { ErrorKind, type ErrorEvent } from '@switchyard/ir';
import { SseEventTooLargeError, UPSTREAM_FAULTS, faultOf, isPublicUpstreamMessage, upstreamError } from '@switchyard/providers';
import type { Dispatcher } from 'undici';
import { logExcerpt } from './log-redaction';
import { readErrorBody } from './upstream-body.reader';
import { type Call, whereOf } from './upstream-call';
import { UpstreamProtocolError, UpstreamTooLargeError, transportError, withUpstreamFacts } from './upstream-errors';

/**
 * What an upstream failure becomes: an IR error with a fixed text, while what the upstream said
 * goes to this process's log, redacted and bounded (docs/architecture.md §2, "Upstream errors").
 */
export class UpstreamFailures {
  private readonly log = new Logger('Upstream');

  /** The provider's reading of an error answer; the body goes to the log, redacted and bounded. */
  async failure(call: Call, res: Dispatcher.ResponseData, requestId: string | undefined): Promise<ErrorEvent> {
    const body = await readErrorBody(res);
    const retryAfter = res.headers['retry-after'];
    const error = call.adapter.mapError(res.statusCode, body, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    const line = `${whereOf(call.target)}: upstream answered ${res.statusCode}${requestId ? ` (request id ${requestId})` : ''}: ${logExcerpt(body, [call.apiKey])}`;
    // Refusals of the gateway's own key, account or model need the operator; rate limits and
    // overload come in storms and are counted by the router's health state, so they go to debug.
    if (error.kind === ErrorKind.ERROR_KIND_UPSTREAM_ERROR && res.statusCode < 500) this.log.error(line);
    else if (error.kind === ErrorKind.ERROR_KIND_RATE_LIMITED || error.kind === ErrorKind.ERROR_KIND_OVERLOADED) this.log.debug(line);
    else this.log.warn(line);
    return error;
  }

  bodyError(call: Call, err: unknown, relayed: boolean): ErrorEvent {
    if (err instanceof UpstreamTooLargeError || err instanceof SseEventTooLargeError) {
      this.log.warn(`${whereOf(call.target)}: ${err.message}; the answer was cut off`);
      return upstreamError('response-too-large', { retryable: false });
    }
    if (err instanceof SyntaxError || err instanceof UpstreamProtocolError) {
      this.log.warn(`${whereOf(call.target)}: malformed upstream answer: ${logExcerpt((err as Error).message, [call.apiKey])}`);
      return upstreamError('malformed', { retryable: false });
    }
    return this.transport(call, err, relayed ? 'stream' : 'connect');
  }

  transport(call: Call, err: unknown, phase: 'connect' | 'stream'): ErrorEvent {
    const e = err as { code?: string; message?: string };
    this.log.warn(`${whereOf(call.target)}: upstream ${phase === 'connect' ? 'call' : 'stream'} failed: ${e.code ?? ''} ${logExcerpt(e.message ?? String(err), [call.apiKey])}`);
    return transportError(err, phase);
  }

  /**
   * The last check before an error leaves the adapter: a text that is not one of the fixed
   * ones (a provider that forgot the rule) is logged and replaced; then the facts are added.
   */
  seal(call: Call, error: ErrorEvent, requestId: string | undefined): ErrorEvent {
    let text = error.message;
    if (!isPublicUpstreamMessage(text)) {
      this.log.error(`${whereOf(call.target)}: an upstream error without a fixed text was replaced: ${logExcerpt(text, [call.apiKey])}`);
      text = UPSTREAM_FAULTS[faultOf(error.kind, error.providerStatus)].text;
    }
    return { ...error, message: withUpstreamFacts(text, error.providerStatus, requestId) };
  }
}
