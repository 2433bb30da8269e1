import { IrError } from '@switchyard/ir';
import { findUnstorableText, mayHoldUnstorableText } from '@switchyard/shared';
import { unstorableField } from './ingress-errors';

/**
 * A data-path JSON body, parsed; a 400 when it is empty or not JSON, or holds text the database
 * cannot store (docs/architecture.md §1, "Text the database can store").
 */
export function parseJson(body: string | undefined): unknown {
  if (body === undefined || body === '') throw IrError.invalid('The request body is empty; expected a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw IrError.invalid(`We could not parse the JSON body of your request: ${(err as Error).message}`);
  }
  // Hot path: the scan of the text is cheap; the walk runs only for bodies with suspect escapes.
  if (mayHoldUnstorableText(body)) {
    const field = findUnstorableText(value);
    if (field !== undefined) throw unstorableField(field);
  }
  return value;
}
