import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { ResponseEvent } from '@switchyard/ir';
import type { CachedAnswer } from './response-cache.types';

// One binary blob per answer: varint format version, storedAt as a double, then each event as
// a length-prefixed ResponseEvent message. Protobuf keeps it compact (no JSON of the deltas),
// makes byte sizes exact for the size limits, and a decoded copy can be changed by the caller
// without touching what is stored. Bump the version when the framing changes: an entry of
// another version reads as a miss, never as a wrong answer.
export const CACHED_ANSWER_FORMAT = 1;

export function encodeCachedAnswer(answer: CachedAnswer): Uint8Array {
  const writer = new BinaryWriter();
  writer.uint32(CACHED_ANSWER_FORMAT).double(answer.storedAt);
  for (const event of answer.events) ResponseEvent.encode(event, writer.fork()).join();
  return writer.finish();
}

/** Throws on a foreign format or truncated data; callers turn that into a miss. */
export function decodeCachedAnswer(bytes: Uint8Array): CachedAnswer {
  const reader = new BinaryReader(bytes);
  const format = reader.uint32();
  if (format !== CACHED_ANSWER_FORMAT) throw new Error(`cached answer format ${format}, expected ${CACHED_ANSWER_FORMAT}`);
  const storedAt = reader.double();
  const events: ResponseEvent[] = [];
  while (reader.pos < reader.len) events.push(ResponseEvent.decode(reader, reader.uint32()));
  return { events, storedAt };
}
