/** One finding: `text.slice(start, end)` is a value of `category`. */
export interface Finding {
  category: string;
  start: number;
  end: number;
}

/**
 * What the detectors write into: the findings of one text, and a step counter every scanning
 * loop advances once per character it looks at. The counter is how the tests bound the work on
 * adversarial input (steps, never a clock); it costs one addition per character.
 */
export class FindingList {
  readonly items: Finding[] = [];
  steps = 0;

  add(category: string, start: number, end: number): void {
    this.items.push({ category, start, end });
  }

  /**
   * The findings in text order with overlaps removed: the earlier one wins, and of two that
   * start together the longer one (a secret token that holds an IP-like run stays one secret).
   */
  resolved(): Finding[] {
    const items = this.items;
    if (items.length < 2) return items;
    items.sort((a, b) => a.start - b.start || b.end - a.end);
    const out: Finding[] = [];
    let end = -1;
    for (const f of items) {
      if (f.start >= end) {
        out.push(f);
        end = f.end;
      }
    }
    return out;
  }
}
