import type { PiiScanner } from './pii-scanner';
import { placeholderLabel } from './pii-category';

/**
 * One request's findings and placeholders. In `mask` mode `apply` returns the text with each
 * finding replaced by a typed placeholder, `[EMAIL_1]`, the same value always getting the same
 * placeholder within the request (so the upstream can still tell two addresses apart and
 * refer back to one); otherwise it only records what was found and returns the text as is.
 */
export class PiiRedaction {
  /** Categories found, in the order first seen (the access log's and the block error's). */
  readonly categories = new Set<string>();
  /** Placeholder → original value, for restoring the answer. */
  readonly values = new Map<string, string>();
  private readonly byValue = new Map<string, string>();
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly scanner: PiiScanner,
    private readonly replace: boolean,
  ) {}

  get found(): boolean {
    return this.categories.size > 0;
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
      const n = (this.counters.get(label) ?? 0) + 1;
      this.counters.set(label, n);
      placeholder = `[${label}_${n}]`;
      this.byValue.set(key, placeholder);
      this.values.set(placeholder, value);
    }
    return placeholder;
  }
}
