import type { z } from 'zod';

/** One problem at one place in a configuration source: a zod issue or a cross-check finding. */
export interface ConfigIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['models', 0, 'deployments', 1, 'provider']` → `models[0].deployments[1].provider`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
      continue;
    }
    const key = String(segment);
    if (!IDENTIFIER.test(key)) out += `[${JSON.stringify(key)}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

/** `path: message`, or the bare message for a problem with the whole document. */
export function formatIssue(issue: ConfigIssue): string {
  const path = formatPath(issue.path);
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/** Zod's issues as config issues; one unknown-keys issue becomes one per key, so each names its own path. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key], message: 'unknown key' }))
      : [{ path: issue.path, message: issue.message }],
  );
}

/**
 * Messages in the file's own terms (a mapping, a list) saying what was found. Passed as the
 * per-parse error map, so a message a schema sets itself still wins. Strings found where
 * another type was expected are not echoed: a misplaced API key would land in the logs.
 */
export const describeZodIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describeFound(issue.input)}`;
    case 'too_small':
      return bound('at least', 'more than', issue.origin, Number(issue.minimum), issue.inclusive, issue.input);
    case 'too_big':
      return bound('at most', 'less than', issue.origin, Number(issue.maximum), issue.inclusive, issue.input);
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => String(value)).join(', ')}, got ${JSON.stringify(issue.input)}`;
    default:
      return undefined;
  }
};

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
};

function describeFound(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return TYPE_NAMES[typeof value] ?? typeof value;
}

function bound(
  inclusiveWord: string,
  exclusiveWord: string,
  origin: string,
  limit: number,
  inclusive: boolean | undefined,
  input: unknown,
): string {
  const word = inclusive === false ? exclusiveWord : inclusiveWord;
  switch (origin) {
    case 'string':
      return limit === 1 && word === 'at least' ? 'must not be empty' : `expected ${word} ${limit} characters`;
    case 'array':
      return `expected ${word} ${limit} item${limit === 1 ? '' : 's'}`;
    default:
      return `expected ${word} ${limit}, got ${String(input)}`;
  }
}
