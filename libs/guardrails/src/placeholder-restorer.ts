const CLOSE = 93; // ]
const UNDERSCORE = 95;
/** No placeholder is longer: `[` + a label (a category or a custom name, ≤ 32) + `_` + a count + `]`. */
const MAX_PLACEHOLDER = 48;

function isLabelChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === UNDERSCORE;
}

/**
 * Puts a request's placeholders back into one stream of text (one choice's text, or one tool
 * call's arguments), chunk by chunk. A placeholder may arrive split over deltas (`[EMA` then
 * `IL_1]`): a chunk's tail that could still become one is held back until the next chunk or
 * `flush`. Only placeholders this request minted are replaced; any other bracketed text passes
 * through unchanged. Linear: each character is looked at a bounded number of times.
 */
export class PlaceholderRestorer {
  private held = '';

  constructor(
    private readonly values: ReadonlyMap<string, string>,
    /** Tool call arguments are JSON text: a value put back inside a JSON string is escaped. */
    private readonly json = false,
  ) {}

  push(chunk: string): string {
    const text = this.held === '' ? chunk : this.held + chunk;
    this.held = '';
    const open = text.lastIndexOf('[');
    if (open < 0) return text;
    const tail = partialAt(text, open);
    if (tail) {
      this.held = text.slice(open);
      return this.restore(text.slice(0, open));
    }
    return this.restore(text);
  }

  /** What is still held back, restored as far as it can be: the end of the stream. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest === '' ? rest : this.restore(rest);
  }

  /** Replaces every complete placeholder this request minted. */
  restore(text: string): string {
    let from = text.indexOf('[');
    if (from < 0) return text;
    let out = '';
    let at = 0;
    while (from >= 0) {
      const close = closeOf(text, from);
      if (close > 0) {
        const value = this.values.get(text.slice(from, close + 1));
        if (value !== undefined) {
          out += text.slice(at, from) + (this.json ? JSON.stringify(value).slice(1, -1) : value);
          at = close + 1;
          from = text.indexOf('[', at);
          continue;
        }
      }
      from = text.indexOf('[', from + 1);
    }
    return at === 0 ? text : out + text.slice(at);
  }
}

/** The index of the `]` closing a placeholder-shaped run at `open`, or -1. */
export function closeOf(text: string, open: number): number {
  const end = Math.min(text.length, open + MAX_PLACEHOLDER);
  for (let i = open + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === CLOSE) return i > open + 1 ? i : -1;
    if (!isLabelChar(c)) return -1;
  }
  return -1;
}

/** Whether `text` from `open` to its end is the start of a placeholder that the next chunk may finish. */
function partialAt(text: string, open: number): boolean {
  if (text.length - open >= MAX_PLACEHOLDER) return false;
  for (let i = open + 1; i < text.length; i++) if (!isLabelChar(text.charCodeAt(i))) return false;
  return true;
}
