// Lines of the output and error files, in OpenAI's request output shape
// (https://platform.openai.com/docs/api-reference/batch/request-output): `id`, `custom_id`,
// `response` {status_code, request_id, body} and `error` (only for a request that got no HTTP
// answer: here, one the batch's end left unsent).

/** How a line that was never answered ended. */
export type LineEnd = 'cancelled' | 'expired';

function lineId(batchId: string, line: number): string {
  return `batch_req_${batchId.slice('batch_'.length)}_${line}`;
}

/** A line's `LineContext.answerId`: a batch id is letters, digits and `_`, so this is too. */
export function lineAnswerId(batchId: string, line: number): string {
  return `${batchId}_${line}`;
}

export function outputLine(batchId: string, l: { line: number; customId: string }, statusCode: number, requestId: string, body: unknown): Record<string, unknown> {
  return { id: lineId(batchId, l.line), custom_id: l.customId, response: { status_code: statusCode, request_id: requestId, body }, error: null };
}

export function unansweredLine(batchId: string, l: { line: number; customId: string }, end: string): Record<string, unknown> {
  const error =
    end === 'expired'
      ? { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' }
      : { code: 'batch_cancelled', message: 'This request was not executed because the batch was cancelled.' };
  return { id: lineId(batchId, l.line), custom_id: l.customId, response: null, error };
}
