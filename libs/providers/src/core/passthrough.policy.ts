import { IrError } from '@switchyard/ir';

// Which request fields the gateway does not model may reach an upstream (issue 10, finding 7).
// The dialect parsers keep such fields in ChatRequest.extensions; a provider of the same family
// would receive them with the operator's key, so each family declares once, field by field,
// what is forwarded by default and what happens otherwise. A field the table does not know is
// not forwarded (dropped and listed): new upstream features are opt-in, never opt-out.

/** What becomes of one unmodelled field on its way to one upstream. */
export type PassthroughAction = 'forward' | 'drop' | 'refuse';

export interface PassthroughRule {
  /** Forwarded unless the operator denies it. */
  forward: boolean;
  /**
   * When not forwarded: `drop` (listed in x-switchyard-dropped-params; the answer is the same or
   * visibly different), or `refuse` (400 naming the field) where the answer would change without
   * the client noticing, e.g. a server-side tool the model would have used.
   */
  otherwise: 'drop' | 'refuse';
  /** The one-line reason, shown in refusals and docs/translation-matrix.md. */
  why: string;
}

/** A family's rules by field name; `a.*` covers every field under `a` not named itself. */
export type PassthroughRules = Readonly<Record<string, PassthroughRule>>;

/**
 * The operator's policy for one provider (`providers[].passthrough` in switchyard.yaml): `allow`
 * extends the family's defaults, `deny` narrows them and wins over `allow`. Entries are field
 * names as the client sends them (`service_tier`, `tools.googleSearch`), `a.*`, or `*` for all.
 */
export interface PassthroughPolicy {
  allow?: readonly string[];
  deny?: readonly string[];
}

const NOT_VETTED: PassthroughRule = { forward: false, otherwise: 'drop', why: 'not vetted for a shared upstream account' };

/** What the rules and the operator's policy make of `name`. */
export function passthroughAction(rules: PassthroughRules, name: string, policy: PassthroughPolicy | undefined): PassthroughAction {
  const rule = ruleOf(rules, name);
  if (listed(policy?.deny, name)) return rule.otherwise;
  if (listed(policy?.allow, name) || rule.forward) return 'forward';
  return rule.otherwise;
}

/**
 * The forwarded subset of `fields` (named `prefix` + key); dropped ones are added to `dropped`,
 * a refused one throws. Keys starting with `$` are the gateway's own notes between dialect and
 * provider, not client fields, and always pass.
 */
export function filterPassthrough(
  rules: PassthroughRules,
  fields: Record<string, unknown>,
  policy: PassthroughPolicy | undefined,
  dropped: Set<string>,
  prefix = '',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key.startsWith('$')) {
      out[key] = value;
      continue;
    }
    const name = prefix + key;
    switch (passthroughAction(rules, name, policy)) {
      case 'forward':
        out[key] = value;
        break;
      case 'drop':
        dropped.add(name);
        break;
      case 'refuse':
        throw refusal(rules, name);
    }
  }
  return out;
}

/**
 * Another family's extras, which this upstream cannot express: listed as dropped by their
 * top-level name, except that a field its own family's rules refuse (`mcp_servers`,
 * `web_search_options`, a Gemini `tools.googleSearch` …) is refused here too, since the answer
 * would change unnoticed just the same. `rules` are those of the family that sent them.
 */
export function dropForeign(rules: PassthroughRules | undefined, fields: Record<string, unknown>, dropped: Set<string>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (key.startsWith('$')) continue;
    const refused = rules && refusedName(rules, key, value);
    if (refused) {
      throw IrError.invalid(
        `${refused}: the upstream serving this model cannot take this field (${ruleOf(rules, refused).why}); remove it, or use a model served by an upstream of your API's family`,
        refused,
      );
    }
    dropped.add(key);
  }
}

/** The field or nested field (`tools.googleSearch`, inside an object or a list of objects) the rules refuse. */
function refusedName(rules: PassthroughRules, key: string, value: unknown): string | undefined {
  if (ruleOf(rules, key).otherwise === 'refuse') return key;
  for (const item of Array.isArray(value) ? value : [value]) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    const nested = Object.keys(item).find((k) => ruleOf(rules, `${key}.${k}`).otherwise === 'refuse');
    if (nested !== undefined) return `${key}.${nested}`;
  }
  return undefined;
}

function refusal(rules: PassthroughRules, name: string): IrError {
  return IrError.invalid(
    `${name}: this gateway does not forward this field to the upstream (${ruleOf(rules, name).why}); remove it, or ask the operator to allow it in the provider's passthrough policy`,
    name,
  );
}

function ruleOf(rules: PassthroughRules, name: string): PassthroughRule {
  const exact = rules[name];
  if (exact) return exact;
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? rules[`${name.slice(0, dot)}.*`] : undefined) ?? NOT_VETTED;
}

function listed(entries: readonly string[] | undefined, name: string): boolean {
  if (!entries) return false;
  return entries.some((e) => e === name || e === '*' || (e.endsWith('.*') && name.startsWith(e.slice(0, -1))));
}
