import type { RenderedBody } from '@switchyard/dialects';
import { IrError, httpStatusOf } from '@switchyard/ir';
import type { Dialect, ErrorEvent, UsageEvent } from '@switchyard/ir';
import type { PiiOutcome } from '@switchyard/guardrails';
import type { LineContext, LineOutcome } from './batch-line.operation';
import { refusedLineEvent } from './line-usage';

/** An error answered as the endpoint answers it (status and the dialect's error body). */
export function errorAnswer(render: (e: ErrorEvent) => RenderedBody, error: ErrorEvent, usage?: UsageEvent): LineOutcome {
  const rendered = render(error);
  return { kind: 'answered', statusCode: rendered.status || httpStatusOf(error.kind), body: JSON.parse(rendered.body) as unknown, usage };
}

/** Who a refused line was and what the guardrails found, for its audit row. */
export interface RefusedLine {
  ctx: LineContext;
  dialect: Dialect;
  model: string;
  startedAt: number;
  pii?: PiiOutcome | undefined;
}

/**
 * A line turned away before any upstream was tried, answered as the endpoint answers it and
 * filed in the request audit as `refused` (an audit-only event, nothing billed), as the ingress
 * files a chat request refused for its body or blocked by PII.
 */
export function refusedAnswer(render: (e: ErrorEvent) => RenderedBody, error: ErrorEvent, line: RefusedLine): LineOutcome {
  const rendered = render(error);
  const statusCode = rendered.status || httpStatusOf(error.kind);
  const usage = refusedLineEvent(line.ctx, { dialect: line.dialect, model: line.model, error, httpStatus: statusCode, startedAt: line.startedAt, pii: line.pii });
  return { kind: 'answered', statusCode, body: JSON.parse(rendered.body) as unknown, usage };
}

/** A thrown parse failure (IrError) as its error event; anything else is our bug and rethrown. */
export function parseFailure(err: unknown): ErrorEvent {
  if (err instanceof IrError) return err.toEvent();
  throw err;
}
