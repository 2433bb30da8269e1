import { ErrorKind, IrError } from '@switchyard/ir';
import type { Readable } from 'node:stream';

/**
 * Reads an upload up to `maxBytes`; past it (declared or counted) throws 413 and stops reading,
 * so an oversized upload is never held whole. The body is read only after the key passed.
 */
export async function readBounded(stream: Readable, declared: number, maxBytes: number): Promise<Buffer> {
  if (declared > maxBytes) {
    stream.resume();
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > maxBytes) {
      stream.resume();
      throw tooLarge(maxBytes);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

function tooLarge(maxBytes: number): IrError {
  return new IrError(ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE, `The file is larger than this gateway accepts (${maxBytes} bytes, SWITCHYARD_FILES_MAX_BYTES).`, 'file');
}
