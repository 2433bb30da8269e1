// Postgres text cannot hold U+0000 ("invalid byte sequence for encoding UTF8: 0x00") and UTF-8
// has no encoding for an unpaired UTF-16 surrogate (the driver turns it into U+FFFD or fails).
// Such strings are refused at the edges and made storable before anything is written
// (docs/architecture.md §1, "Text the database can store").

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');
// In raw JSON text: a \u0000 escape or any escaped surrogate (paired ones are checked precisely
// afterwards). A raw NUL is already invalid JSON, and text decoded from UTF-8 holds no lone surrogate.
const SUSPECT_JSON = /\\u(?:0000|[dD][89abcdefABCDEF])/;

/** Whether Postgres can store `text` as it is. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** `text` with every NUL and unpaired surrogate replaced by U+FFFD (the same string when there is none). */
export function storableText(text: string): string {
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE_ALL, '\uFFFD') : text;
}

/**
 * Cheap pre-check of a JSON document's text: false means no string in it can hold a NUL or an
 * unpaired surrogate, so the parsed value need not be walked.
 */
export function mayHoldUnstorableText(json: string): boolean {
  // Measured on this machine: a typical 400-character body costs ~0.02 µs (no `\u` at all, the
  // usual case for JSON written by JavaScript), a 4 MB body ~0.8 ms, a fifth of its JSON.parse.
  return json.indexOf('\\u') >= 0 && SUSPECT_JSON.test(json);
}

/**
 * The path of the first string (value or object key, any depth) Postgres cannot store, e.g.
 * `messages[0].content`, `metadata.team (a key)`; undefined when every string is storable.
 * The path names fields, never quotes values (they may be secrets).
 */
export function findUnstorableText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path || '(the value)';
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${nameOf(key)}` : nameOf(key);
    if (!isStorableText(key)) return `${at} (a key)`;
    const found = findUnstorableText(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** JSON text of `value` that Postgres can store (strings made storable, bigints as numbers). */
export function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string') return storableText(v);
    if (typeof v === 'bigint') return Number(v);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      // Keys too: JSON.stringify does not pass them through the replacer.
      const entries = Object.entries(v);
      if (entries.some(([k]) => !isStorableText(k))) return Object.fromEntries(entries.map(([k, x]) => [storableText(k), x]));
    }
    return v;
  });
}

// A key that is not storable is named by its storable form, so the message can be stored and logged.
function nameOf(key: string): string {
  return storableText(key);
}
