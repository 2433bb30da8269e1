import { IrError } from '@switchyard/ir';

// Small validators for client bodies: each names the field it rejects, so a client sees
// "messages[2].content: expected a string or an array" rather than a generic 400.

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function expectObject(v: unknown, path: string): JsonObject {
  if (!isObject(v)) throw IrError.invalid(`${path}: expected an object`, path);
  return v;
}

/**
 * How deeply a client body may nest. Protobuf's JSON parsers (Google's APIs among them) stop at
 * 100 levels; far deeper values are accepted by JSON.parse but overflow the stack of every
 * recursive walk after it (JSON.stringify of the extensions, schema conversion): a 500, not a 400.
 */
export const MAX_BODY_DEPTH = 100;

/** The request body: an object nested at most MAX_BODY_DEPTH levels deep. */
export function expectBody(v: unknown): JsonObject {
  const body = expectObject(v, 'body');
  expectNesting(body, MAX_BODY_DEPTH);
  return body;
}

/** Refuses a body nested more than `limit` levels deep (a 400 naming the limit). */
export function expectNesting(v: unknown, limit: number): void {
  if (deeperThan(v, limit)) throw IrError.invalid(`body: the JSON is nested more than ${limit} levels deep`);
}

/** Iterative, so the check itself cannot overflow the stack it protects. */
function deeperThan(root: unknown, limit: number): boolean {
  const stack: unknown[] = [root];
  const depths: number[] = [1];
  while (stack.length) {
    const v = stack.pop();
    const depth = depths.pop() as number;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

export function expectArray(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw IrError.invalid(`${path}: expected an array`, path);
  return v;
}

export function expectString(v: unknown, path: string): string {
  if (typeof v !== 'string') throw IrError.invalid(`${path}: expected a string`, path);
  return v;
}

export function optString(v: unknown, path: string): string | undefined {
  return v === undefined || v === null ? undefined : expectString(v, path);
}

export function optNumber(v: unknown, path: string, min = -Infinity, max = Infinity): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw IrError.invalid(`${path}: expected a number`, path);
  if (v < min || v > max) throw IrError.invalid(`${path}: must be between ${min} and ${max}`, path);
  return v;
}

/**
 * The IR's counts (tokens, choices, dimensions) are uint32 in the proto: a larger number would
 * not cross the wire between services (the encoder throws), so it is the client's 400 here.
 */
export const UINT32_MAX = 0xffff_ffff;

export function optInteger(v: unknown, path: string, min = 0, max = UINT32_MAX): number | undefined {
  const n = optNumber(v, path, min, max);
  if (n !== undefined && !Number.isInteger(n)) throw IrError.invalid(`${path}: expected an integer`, path);
  return n;
}

export function optBoolean(v: unknown, path: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw IrError.invalid(`${path}: expected a boolean`, path);
  return v;
}

/**
 * The entry of a lookup table for a client-chosen name, own entries only: a plain `table[name]`
 * or `name in table` also finds Object.prototype's members, so "constructor" or "toString"
 * would pass as a known value and hand a function to the code after it.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Splits a data: URL into media type and base64 payload; undefined for other URLs. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  const meta = url.slice(5, comma);
  if (comma < 0 || !meta.endsWith(';base64')) return undefined;
  return { mediaType: meta.slice(0, -7), data: url.slice(comma + 1) };
}
