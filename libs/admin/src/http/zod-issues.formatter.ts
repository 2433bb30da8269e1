import type { z } from 'zod';

/**
 * Zod issues as one message naming each field by its path (`budget.dailyUsd: expected a
 * number`, `apiKeys[1]: …`, `colour: unknown field`). Input values are never echoed: a body
 * may carry a secret in the wrong field.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], root = 'body'): string {
  return issues.flatMap((issue) => describe(issue, root)).join('; ');
}

function describe(issue: z.core.$ZodIssue, root: string): string[] {
  const at = pathOf(issue.path, root);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => `${pathOf([...issue.path, key], root)}: unknown field`);
    case 'invalid_type':
      return [`${at}: ${/received undefined$/.test(issue.message) ? 'required' : `expected ${article(issue.expected)}`}`];
    case 'invalid_key':
      return [`${at}: invalid key`];
    default:
      return [`${at}: ${lowerFirst(issue.message)}`];
  }
}

function pathOf(path: readonly PropertyKey[], root: string): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? root : out;
}

function article(expected: string): string {
  if (expected === 'null' || expected === 'undefined') return expected;
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function lowerFirst(message: string): string {
  return message.length > 1 && /^[A-Z][a-z]/.test(message) ? message[0]?.toLowerCase() + message.slice(1) : message;
}
