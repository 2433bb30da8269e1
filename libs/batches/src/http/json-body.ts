import { IrError } from '@switchyard/ir';

/** The ingress hands non-data-path bodies to Nest as raw strings (libs/ingress http-server.ts). */
export function jsonOf(body: unknown): unknown {
  if (typeof body !== 'string' || !body) throw IrError.invalid('The request body is empty; expected a JSON object.');
  try {
    return JSON.parse(body);
  } catch (err) {
    throw IrError.invalid(`We could not parse the JSON body of your request: ${(err as Error).message}`);
  }
}
