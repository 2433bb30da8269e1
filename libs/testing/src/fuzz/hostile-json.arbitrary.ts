import fc from 'fast-check';

// Inputs a hostile client (or a broken upstream) can put on the wire, for the property-based
// fuzz specs of the parsers of untrusted input (issue 10). Everything here is reproducible: the
// specs run with FUZZ_SEED, so a failure names the same counterexample on every machine, and a
// counterexample that found a bug is kept as a plain regression case next to the fix.

/** One seed for every fuzz spec: `npm test` must be deterministic. */
export const FUZZ_SEED = 20261206;

/** Names that reach Object.prototype when used as keys or looked up in a plain object. */
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'] as const;

/** Any single UTF-16 code unit, so lone surrogates, NUL and control characters all appear. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: codeUnit, maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', 'NaN', 'Infinity', '-Infinity', '-0', '1e309', '0x10', ' 1', '9007199254740993', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\udc00y', '%00', '%ZZ', '../', ...PROTOTYPE_NAMES),
);

/** Numbers JSON can carry, including what JSON.parse turns `1e999` into. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 0.5, 1.5, 2 ** 31, 2 ** 32, 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, -1e308, Number.MIN_VALUE, Infinity, -Infinity),
  fc.integer(),
  fc.double({ noNaN: true }),
);

/** A key: a prototype name, a near-miss of a real field name, or anything. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), hostileString);

/** `{"a":{"a":…}}` or `[[…]]`, `depth` levels deep. */
export function nested(depth: number, kind: 'object' | 'array'): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = kind === 'object' ? { a: v } : [v];
  return v;
}

/** Bodies that try to reach Object.prototype through the keys JSON.parse creates as own properties. */
export const POLLUTERS: readonly string[] = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"__proto__":{"__proto__":{"polluted":"yes"}}}',
];

export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false),
    hostileNumber,
    hostileString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
    fc.constantFrom(...POLLUTERS).map((s) => JSON.parse(s) as unknown),
    fc.tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom('object' as const, 'array' as const)).map(([d, k]) => nested(d, k)),
  ),
})).value;

/**
 * The JSON text of a value as a client could send it: `__proto__` own keys kept, ±Infinity as
 * `±1e999` (which JSON.parse reads back as ±Infinity). NaN has no JSON form and becomes null.
 */
export function toWire(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v === Infinity ? '\u0000+INF' : v === -Infinity ? '\u0000-INF' : v))
    .replace(/"\\u0000\+INF"/g, '1e999')
    .replace(/"\\u0000-INF"/g, '-1e999');
}

/** The value as the server sees it after JSON.parse of what the client sent. */
export function throughWire(value: unknown): unknown {
  return JSON.parse(toWire(value));
}

type Path = (string | number)[];

/** Every path into a JSON value (objects and arrays), the root included. */
export function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const k of Object.keys(value)) pathsOf((value as Record<string, unknown>)[k], [...prefix, k], out);
  return out;
}

export interface Mutation {
  path: Path;
  op: 'replace' | 'delete' | 'add';
  key: string;
  value: unknown;
}

/** Sets an own property, even `__proto__` (which plain assignment would treat as the prototype). */
function put(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of `base` with the mutations applied (paths that no longer exist are skipped). */
export function mutate(base: unknown, mutations: readonly Mutation[]): unknown {
  let root = structuredClone(base);
  for (const m of mutations) {
    if (m.path.length === 0) {
      if (m.op === 'replace') root = structuredClone(m.value);
      continue;
    }
    let parent: unknown = root;
    for (const step of m.path.slice(0, -1)) parent = parent === null || typeof parent !== 'object' ? undefined : (parent as Record<string, unknown>)[step as string];
    if (parent === null || typeof parent !== 'object') continue;
    const last = m.path[m.path.length - 1] as string | number;
    const holder = parent as Record<string, unknown>;
    if (m.op === 'delete') {
      if (Array.isArray(holder)) holder.splice(last as number, 1);
      else delete holder[last as string];
    } else if (m.op === 'replace') put(holder, String(last), structuredClone(m.value));
    else {
      const target = holder[last as string];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) put(target as Record<string, unknown>, m.key, structuredClone(m.value));
      else if (Array.isArray(target)) target.push(structuredClone(m.value));
    }
  }
  return root;
}

/** One to three structured mutations of a valid body: wrong types, removed fields, unknown keys. */
export function mutationsOf(base: unknown): fc.Arbitrary<Mutation[]> {
  const paths = pathsOf(base);
  const mutation = fc.record({ path: fc.constantFrom(...paths), op: fc.constantFrom('replace' as const, 'replace' as const, 'delete' as const, 'add' as const), key: hostileKey, value: hostileValue });
  return fc.array(mutation, { minLength: 1, maxLength: 3 });
}

const PROTOTYPE_SHAPE = Object.getOwnPropertyNames(Object.prototype).join(',');

/** Throws when anything reached Object.prototype (the canary a polluting parser would set). */
export function assertNoPollution(): void {
  const shape = Object.getOwnPropertyNames(Object.prototype).join(',');
  if (shape !== PROTOTYPE_SHAPE || ({} as Record<string, unknown>)['polluted'] !== undefined) {
    throw new Error(`Object.prototype was polluted: now ${shape}`);
  }
}
