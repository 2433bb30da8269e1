import type { ConfigChange } from '@switchyard/db';

// What `switchyard apply` prints: one heading per real change, then the fields that differ.
// The states come from applyConfig already redacted (keys by prefix, upstream keys as env:NAME
// references or sealed key ids), so nothing here can print a secret.

type State = NonNullable<ConfigChange['before']>;
type Value = State[string];

const SIGN = { create: '+', update: '~', delete: '-', unchanged: ' ' } as const satisfies Record<ConfigChange['action'], string>;
const ABSENT = '(none)';
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The change list as lines: `~ tenant acme` with `    rpm: null → 600` under it, `+ key …`
 * with the fields it is created with, `- deployment …`, `! …` for a note on an unchanged
 * entity, and a closing count.
 */
export function formatConfigChanges(changes: readonly ConfigChange[], options: { dryRun: boolean }): string[] {
  const lines: string[] = [];
  let unchanged = 0;
  for (const change of changes) {
    const heading = `${change.entity} ${change.id}`;
    switch (change.action) {
      case 'unchanged':
        unchanged++;
        if (change.note) lines.push(`! ${heading}: ${change.note}`);
        break;
      case 'create':
        lines.push(`${SIGN.create} ${heading}`);
        for (const [path, value] of leaves(change.after ?? {})) if (isSet(value)) lines.push(`    ${path}: ${show(value)}`);
        break;
      case 'update':
        lines.push(`${SIGN.update} ${heading}`, ...fieldDiff(change.before ?? {}, change.after ?? {}).map((line) => `    ${line}`));
        break;
      case 'delete':
        lines.push(`${SIGN.delete} ${heading}`);
        break;
    }
  }
  const changed = changes.length - unchanged;
  lines.push(`${changed} ${changed === 1 ? 'change' : 'changes'}${options.dryRun ? ' (dry run)' : ''}, ${unchanged} unchanged`);
  return lines;
}

/** `path: before → after` for every leaf that differs, grouped by top-level field in state order. */
function fieldDiff(before: State, after: State): string[] {
  const old = new Map(leaves(before));
  const now = new Map(leaves(after));
  const all = [...new Set([...old.keys(), ...now.keys()])];
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const paths = fields.flatMap((field) => all.filter((path) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`)));
  return paths.flatMap((path) => {
    const a = old.get(path);
    const b = now.get(path);
    if (a !== undefined && b !== undefined && show(a) === show(b)) return [];
    return [`${path}: ${a === undefined ? ABSENT : show(a)} → ${b === undefined ? ABSENT : show(b)}`];
  });
}

/**
 * Nested objects flattened to dotted paths (`options.timeouts.firstTokenMs`), so a change deep
 * inside shows as one line; arrays and empty objects stay whole.
 */
function leaves(state: State, prefix = ''): [string, Value][] {
  return Object.entries(state).flatMap(([field, value]): [string, Value][] => {
    if (value === undefined) return [];
    const path = prefix === '' ? field : IDENTIFIER.test(field) ? `${prefix}.${field}` : `${prefix}[${JSON.stringify(field)}]`;
    return isObject(value) && Object.keys(value).length > 0 ? leaves(value, path) : [[path, value]];
  });
}

function isObject(value: Value): value is State {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a create lists: the fields that say something (not null, not an empty list or mapping). */
function isSet(value: Value): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  return !isObject(value) || Object.keys(value).length > 0;
}

/** JSON, with a space after each comma and colon. Key order as stored; values are small. */
function show(value: Value): string {
  if (value === undefined) return ABSENT;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (isObject(value)) return `{${Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}: ${show(v)}`).join(', ')}}`;
  return JSON.stringify(value);
}
