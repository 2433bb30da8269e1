import type { SseEvent } from './provider-adapter.types';

// Incremental text/event-stream framing (html.spec.whatwg.org/#event-stream-interpretation):
// lines end in \n, \r\n or \r; `event:` and `data:` fields; a blank line dispatches. Chunks may
// split anywhere, including between \r and \n.
//
// One event (its data lines, and a line not ended yet) is held in memory until it dispatches,
// so an upstream that never ends a line or an event could make us buffer forever: past
// `maxEventChars` the parser throws SseEventTooLargeError. The limit counts UTF-16 code units
// of the decoded text (each from at least one byte of the wire, so a byte limit holds).
//
// A chunk without a line end is only set aside (`pending`), never appended to a string that is
// scanned again: a long line arriving in small chunks would otherwise cost time quadratic in
// its length (appending to a string and reading it back flattens the whole string each time, so
// even a remembered scan position left a 4 MB line in 1 KB chunks at 7 s of the event loop,
// 37 s before it; now 22 ms).

/** One server-sent event, or one line of it, grew past the parser's limit. */
export class SseEventTooLargeError extends Error {
  override readonly name = 'SseEventTooLargeError';
}

export class SseParser {
  /** The unfinished line, in the pieces it arrived in. */
  private pending: string[] = [];
  private pendingChars = 0;
  /** The unfinished line ends in \r, which may be the first half of \r\n. */
  private pendingCr = false;
  private event = '';
  private data: string[] = [];
  private dataChars = 0;

  constructor(private readonly maxEventChars = Number.POSITIVE_INFINITY) {}

  push(chunk: string): SseEvent[] {
    if (!this.pendingCr && !hasLineEnd(chunk)) {
      if (chunk) {
        this.pending.push(chunk);
        this.pendingChars += chunk.length;
      }
      this.checkSize();
      return [];
    }
    const buffer = this.pending.length ? this.pending.join('') + chunk : chunk;
    const out: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const ch = buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      // A trailing \r may be the first half of \r\n: wait for the next chunk.
      if (ch === 13 && i === buffer.length - 1) break;
      this.line(buffer.slice(start, i), out);
      if (ch === 13 && buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    const rest = buffer.slice(start);
    this.pending = rest ? [rest] : [];
    this.pendingChars = rest.length;
    this.pendingCr = rest.charCodeAt(rest.length - 1) === 13;
    this.checkSize();
    return out;
  }

  private checkSize(): void {
    if (this.pendingChars + this.dataChars > this.maxEventChars) throw new SseEventTooLargeError(`a server-sent event exceeded ${this.maxEventChars} characters`);
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length) out.push({ event: this.event, data: this.data.join('\n') });
      this.event = '';
      this.data = [];
      this.dataChars = 0;
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') {
      this.data.push(value);
      this.dataChars += value.length + 1;
      if (this.dataChars > this.maxEventChars) throw new SseEventTooLargeError(`a server-sent event exceeded ${this.maxEventChars} characters`);
    } else if (field === 'event') this.event = value;
  }
}

function hasLineEnd(chunk: string): boolean {
  return chunk.includes('\n') || chunk.includes('\r');
}
