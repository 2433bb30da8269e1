import type { RenderedBody } from '@switchyard/dialects';
import { IrError, httpStatusOf } from '@switchyard/ir';
import type { ErrorEvent, UsageEvent } from '@switchyard/ir';
import type { LineOutcome } from './batch-line.operation';

/** An error answered as the endpoint answers it (status and the dialect's error body). */
export function errorAnswer(render: (e: ErrorEvent) => RenderedBody, error: ErrorEvent, usage?: UsageEvent): LineOutcome {
  const rendered = render(error);
  return { kind: 'answered', statusCode: rendered.status || httpStatusOf(error.kind), body: JSON.parse(rendered.body) as unknown, usage };
}

/** A thrown parse failure (IrError) as its error event; anything else is our bug and rethrown. */
export function parseFailure(err: unknown): ErrorEvent {
  if (err instanceof IrError) return err.toEvent();
  throw err;
}
