// Postgres text cannot hold U+0000 ("invalid byte sequence for encoding UTF8: 0x00") and UTF-8
// has no encoding for an unpaired UTF-16 surrogate (the driver turns it into U+FFFD or fails).
// Such strings are refused at the edges and made storable before anything is written
// (docs/architecture.md §1, "Text the database can store").

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');
/** Longest field path named in a message (characters). */
const MAX_PATH = 200;
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
 * The path names fields, never quotes values (they may be secrets). Iterative, with paths built
 * only for the string found: a body nested a million levels deep (JSON.parse takes it) must not
 * overflow the stack.
 */
export function findUnstorableText(value: unknown): string | undefined {
  // Each entry: a value and how to name it (its parent's entry and its own key or index).
  interface Node {
    value: unknown;
    parent: Node | undefined;
    key: string | number | undefined;
  }
  const stack: Node[] = [{ value, parent: undefined, key: undefined }];
  while (stack.length) {
    const node = stack.pop() as Node;
    const v = node.value;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return pathOf(node) || '(the value)';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], parent: node, key: i });
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      for (const key of keys) {
        if (!isStorableText(key)) return `${pathOf({ value: undefined, parent: node, key })} (a key)`;
      }
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        stack.push({ value: (v as Record<string, unknown>)[key], parent: node, key });
      }
    }
  }
  return undefined;

  function pathOf(node: Node): string {
    const parts: string[] = [];
    for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) {
      parts.push(typeof n.key === 'number' ? `[${n.key}]` : n.parent?.key === undefined ? nameOf(n.key) : `.${nameOf(n.key)}`);
    }
    const path = parts.reverse().join('');
    // A path through a deeply nested body is shortened: it goes into error messages.
    return path.length <= MAX_PATH ? path : `${path.slice(0, MAX_PATH / 2)}…${path.slice(-MAX_PATH / 2)}`;
  }
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
