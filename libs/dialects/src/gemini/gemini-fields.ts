import type { JsonObject } from '../json-guards';

// Google's JSON parser accepts every field under its lowerCamel name and its proto name
// (`systemInstruction` and `system_instruction`), and the Gemini REST docs use both in their
// curl examples. The parser reads fields through these helpers so either spelling works;
// error messages name the lowerCamel spelling, the one the SDKs send.

const snakeNames = new Map<string, string>();

export function snakeCase(camel: string): string {
  let snake = snakeNames.get(camel);
  if (snake === undefined) {
    snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    snakeNames.set(camel, snake);
  }
  return snake;
}

export function camelCase(name: string): string {
  return name.includes('_') ? name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : name;
}

/** The field under its lowerCamel name, else under its snake_case name. */
export function field(o: JsonObject, camel: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snakeCase(camel)];
}

/**
 * The fields of `o` not in `known` (lowerCamel names), keyed by their lowerCamel name, or
 * undefined when there are none: what travels in `extensions` for a Gemini upstream.
 */
export function unknownFields(o: JsonObject, known: ReadonlySet<string>): JsonObject | undefined {
  let extra: JsonObject | undefined;
  for (const key of Object.keys(o)) {
    const camel = camelCase(key);
    if (known.has(camel) || o[key] === undefined) continue;
    (extra ??= {})[camel] = o[key];
  }
  return extra;
}
