import { IrError } from '@switchyard/ir';
import { JsonObject, expectArray, expectObject, isObject } from '../json-guards';
import { camelCase } from './gemini-fields';

// Gemini `Schema` (FunctionDeclaration.parameters, GenerationConfig.responseSchema) is an
// OpenAPI 3.0 subset, not JSON Schema: enum-named types ("OBJECT", "STRING"), `nullable`,
// int64 bounds written as strings ("maxItems": "3"), a single `example`. The IR carries JSON
// Schema, so this rewrites it (ai.google.dev/api/caching#Schema). `parametersJsonSchema` and
// `responseJsonSchema` already are JSON Schema and are kept verbatim.

const TYPES: Record<string, string | null> = {
  TYPE_UNSPECIFIED: null,
  STRING: 'string',
  NUMBER: 'number',
  INTEGER: 'integer',
  BOOLEAN: 'boolean',
  ARRAY: 'array',
  OBJECT: 'object',
  NULL: 'null',
};

// Schema fields whose value is an int64, which proto JSON writes as a string.
const INT64 = new Set(['maxItems', 'minItems', 'maxLength', 'minLength', 'maxProperties', 'minProperties']);

export function geminiSchemaToJsonSchema(raw: unknown, path: string): JsonObject {
  const s = expectObject(raw, path);
  const out: JsonObject = {};
  let nullable = false;
  for (const key of Object.keys(s)) {
    const name = camelCase(key);
    const v = s[key];
    const at = `${path}.${name}`;
    if (v === undefined) continue;
    switch (name) {
      case 'type': {
        if (typeof v !== 'string' || !(v.toUpperCase() in TYPES)) throw IrError.invalid(`${at}: unknown type ${JSON.stringify(v)}`, at);
        const type = TYPES[v.toUpperCase()];
        if (type) out['type'] = type;
        break;
      }
      case 'nullable':
        if (typeof v !== 'boolean') throw IrError.invalid(`${at}: expected a boolean`, at);
        nullable = v;
        break;
      case 'properties': {
        const props = expectObject(v, at);
        out['properties'] = Object.fromEntries(Object.keys(props).map((p) => [p, geminiSchemaToJsonSchema(props[p], `${at}.${p}`)]));
        break;
      }
      case 'items':
        out['items'] = geminiSchemaToJsonSchema(v, at);
        break;
      case 'anyOf':
        out['anyOf'] = expectArray(v, at).map((item, i) => geminiSchemaToJsonSchema(item, `${at}[${i}]`));
        break;
      case 'example':
        out['examples'] = [v];
        break;
      default:
        out[name] = INT64.has(name) ? int64(v, at) : v;
    }
  }
  if (nullable) makeNullable(out);
  return out;
}

function int64(v: unknown, path: string): number {
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw IrError.invalid(`${path}: expected an integer`, path);
  return n;
}

/** `nullable: true` is JSON Schema's `type: [t, "null"]` (or a null branch of anyOf). */
function makeNullable(out: JsonObject): void {
  const type = out['type'];
  if (typeof type === 'string') {
    out['type'] = type === 'null' ? 'null' : [type, 'null'];
    if (Array.isArray(out['enum'])) out['enum'] = [...(out['enum'] as unknown[]), null];
  } else if (Array.isArray(out['anyOf'])) {
    const branches = out['anyOf'] as unknown[];
    if (!branches.some((b) => isObject(b) && b['type'] === 'null')) out['anyOf'] = [...branches, { type: 'null' }];
  }
  // A schema with neither type nor anyOf already admits null.
}
