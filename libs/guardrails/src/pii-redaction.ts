import type { PiiScanner } from './pii-scanner';
import { placeholderLabel } from './pii-category';
import { closeOf } from './placeholder-restorer';

/**
 * One request's findings and placeholders. In `mask` mode `apply` returns the text with each
 * finding replaced by a typed placeholder, `[EMAIL_1]`, the same value always getting the same
 * placeholder within the request (so the upstream can still tell two addresses apart and
 * refer back to one); otherwise it only records what was found and returns the text as is.
 *
 * Placeholders are unforgeable within their request: every placeholder-shaped run the request
 * already holds (`reserve`, called over all its texts before any `apply`) is never minted, so a
 * client who types `[EMAIL_1]` keeps it as typed — the real address becomes `[EMAIL_2]`, and an
 * answer echoing the literal is not turned into the client's masked value on the way back. The
 * upstream sees the text as typed and ordinary placeholders; nothing is escaped or renamed.
 */
export class PiiRedaction {
  /** Categories found, in the order first seen (the access log's and the block error's). */
  readonly categories = new Set<string>();
  /** Placeholder → original value, for restoring the answer. */
  readonly values = new Map<string, string>();
  private readonly byValue = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  /** Placeholder-shaped runs the request carries itself (`[EMAIL_1]` typed by the client): never minted. */
  private readonly reserved = new Set<string>();

  constructor(
    private readonly scanner: PiiScanner,
    private readonly replace: boolean,
  ) {}

  get found(): boolean {
    return this.categories.size > 0;
  }

  /** Notes the placeholder-shaped runs of `text` (any text the request carries), so none is minted. */
  reserve(text: string): void {
    if (!this.replace) return;
    for (let open = text.indexOf('['); open >= 0; open = text.indexOf('[', open + 1)) {
      const close = closeOf(text, open);
      if (close > 0) this.reserved.add(text.slice(open, close + 1));
    }
  }

  apply(text: string): string {
    const findings = this.scanner.scan(text);
    if (findings.length === 0) return text;
    for (const f of findings) this.categories.add(f.category);
    if (!this.replace) return text;
    let out = '';
    let at = 0;
    for (const f of findings) {
      out += text.slice(at, f.start) + this.placeholderOf(f.category, text.slice(f.start, f.end));
      at = f.end;
    }
    return out + text.slice(at);
  }

  private placeholderOf(category: string, value: string): string {
    const label = placeholderLabel(category);
    const key = `${label}\u0000${value}`;
    let placeholder = this.byValue.get(key);
    if (placeholder === undefined) {
      let n = this.counters.get(label) ?? 0;
      do {
        n++;
        placeholder = `[${label}_${n}]`;
      } while (this.reserved.has(placeholder));
      this.counters.set(label, n);
      this.byValue.set(key, placeholder);
      this.values.set(placeholder, value);
    }
    return placeholder;
  }
}
