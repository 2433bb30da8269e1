import { expectNesting, MAX_BODY_DEPTH } from '@switchyard/dialects';
import { IrError } from '@switchyard/ir';

/**
 * A Message Batch create body holds each line's Messages body at `requests[i].params`, three
 * levels down: the batch may nest that much more than a live request, and no more.
 */
export const BATCH_CREATE_DEPTH = MAX_BODY_DEPTH + 3;

/**
 * The ingress hands non-data-path bodies to Nest as raw strings (libs/ingress http-server.ts).
 * A body nested more than `maxDepth` levels is refused with a 400, as a live request's is: far
 * deeper JSON parses but overflows every recursive walk after it (storing it as JSON among them).
 */
export function jsonOf(body: unknown, maxDepth = MAX_BODY_DEPTH): unknown {
  if (typeof body !== 'string' || !body) throw IrError.invalid('The request body is empty; expected a JSON object.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw IrError.invalid(`We could not parse the JSON body of your request: ${(err as Error).message}`);
  }
  expectNesting(parsed, maxDepth);
  return parsed;
}
