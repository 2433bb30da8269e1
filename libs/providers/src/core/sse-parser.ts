import type { SseEvent } from './provider-adapter.types';

// Incremental text/event-stream framing (html.spec.whatwg.org/#event-stream-interpretation):
// lines end in \n, \r\n or \r; `event:` and `data:` fields; a blank line dispatches. Chunks may
// split anywhere, including between \r and \n.
//
// One event (its data lines, and a line not ended yet) is held in memory until it dispatches,
// so an upstream that never ends a line or an event could make us buffer forever: past
// `maxEventChars` the parser throws SseEventTooLargeError. The limit counts UTF-16 code units
// of the decoded text (each from at least one byte of the wire, so a byte limit holds).

/** One server-sent event, or one line of it, grew past the parser's limit. */
export class SseEventTooLargeError extends Error {
  override readonly name = 'SseEventTooLargeError';
}

export class SseParser {
  private buffer = '';
  /** How much of `buffer` has been scanned for line ends already (its unterminated tail). */
  private scanned = 0;
  private event = '';
  private data: string[] = [];
  private dataChars = 0;

  constructor(private readonly maxEventChars = Number.POSITIVE_INFINITY) {}

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    let start = 0;
    let i = this.scanned;
    for (; i < this.buffer.length; i++) {
      const ch = this.buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      // A trailing \r may be the first half of \r\n: wait for the next chunk.
      if (ch === 13 && i === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, i), out);
      if (ch === 13 && this.buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    // Rescanning the tail on every chunk would make one long line cost quadratic time.
    this.scanned = Math.max(0, i - start);
    if (this.buffer.length + this.dataChars > this.maxEventChars) throw new SseEventTooLargeError(`a server-sent event exceeded ${this.maxEventChars} characters`);
    return out;
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
