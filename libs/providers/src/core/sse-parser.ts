import type { SseEvent } from './provider-adapter.types';

// Incremental text/event-stream framing (html.spec.whatwg.org/#event-stream-interpretation):
// lines end in \n, \r\n or \r; `event:` and `data:` fields; a blank line dispatches. Chunks may
// split anywhere, including between \r and \n.
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      // A trailing \r may be the first half of \r\n: wait for the next chunk.
      if (ch === 13 && i === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, i), out);
      if (ch === 13 && this.buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length) out.push({ event: this.event, data: this.data.join('\n') });
      this.event = '';
      this.data = [];
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }
}
