import { AdminError } from '../api/admin-error';

/**
 * An admin API refusal split for a form: the 400 message names each field by its path
 * (`budget.dailyUsd: too small: expected number to be >=0; models[2]: expected a model name …`,
 * docs/admin-api.md "Requests and errors"), so each part is shown beside the input it is about;
 * what names no field of the form (a 403, a 409, a field the form lacks) stays in the summary,
 * which otherwise only says that nothing was saved.
 */
export interface FormIssues {
  summary: string | undefined;
  fields: Record<string, string>;
}

export const NO_ISSUES: FormIssues = { summary: undefined, fields: {} };

const PART = /^([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*|\[\d+\])*): (.+)$/;

export function formIssues(err: unknown, fields: readonly string[]): FormIssues {
  if (!(err instanceof AdminError)) return { summary: String(err), fields: {} };
  if (err.status !== 400) return { summary: err.describe(), fields: {} };
  const found: Record<string, string> = {};
  const rest: string[] = [];
  for (const part of err.message.split('; ')) {
    const match = PART.exec(part);
    const field = match ? fieldOf(match[1] ?? '', fields) : undefined;
    if (match && field) found[field] = found[field] ? `${found[field]}; ${part}` : part;
    else rest.push(part);
  }
  const summary = rest.length ? `${err.status} ${err.type}: ${rest.join('; ')}` : `${err.status} ${err.type}: not saved; see the fields marked.`;
  return { summary, fields: found };
}

/** The form field a path is about: itself, or the nearest enclosing one (`models[2]` → `models`). */
function fieldOf(path: string, fields: readonly string[]): string | undefined {
  let p = path;
  for (;;) {
    if (fields.includes(p)) return p;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return undefined;
    p = p.slice(0, cut);
  }
}

/** A number field's text as the API takes it: empty clears (null), a number is sent as one; anything else is sent as typed, for the API to name. */
export function numberOrNull(text: string): number | string | null {
  const t = text.trim();
  if (t === '') return null;
  return /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : t;
}

export function numberText(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : String(n);
}

/** A list typed as comma- or space-separated words. */
export function listOf(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

export function listText(list: readonly (string | number)[]): string {
  return list.join(', ');
}
