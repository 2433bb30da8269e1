// The containers of an upstream answer (the answer itself, its choices, candidates, blocks,
// parts) are read through these: a `null` where an object belongs, or a number where a list
// belongs, is a malformed answer (a plain Error the adapter reports as such), not a TypeError
// from deep inside a reader. Scalars are checked on the way out (ir-event.check.ts).

/** `v` when it is a JSON object; throws naming `what` otherwise. */
export function objectOf<T extends object>(v: unknown, what: string): T {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`the upstream ${what} is not a JSON object`);
  return v as T;
}

/** The objects of a list field: [] when absent or null; throws when it is not a list of objects. */
export function objectsOf<T extends object>(v: unknown, what: string): T[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`the upstream ${what} is not a list`);
  return v.map((item) => objectOf<T>(item, `${what} entry`));
}

/** A count field (tokens): the number as sent, range-checked on the way out; 0 when absent. */
export function countOf(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  // Not coerced: `{"toString":1}` + 0 throws, and "12" + 0 is "120".
  if (typeof v !== 'number') throw new Error(`the upstream ${what} is not a number`);
  return v;
}

/** A text field the reader only reports (error messages): the string, else ''. */
export function textOf(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
