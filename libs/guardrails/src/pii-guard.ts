import { IrError, type PiiPolicy } from '@switchyard/ir';
import { CUSTOM_CATEGORY, PII_CATEGORIES, type PiiAction, type PiiCategory } from './pii-category';
import { type CompiledPiiPolicy, type PiiPolicyConfig, compilePiiPolicy } from './pii-policy';
import { PiiRedaction } from './pii-redaction';
import { PiiScanner } from './pii-scanner';

/** What the guardrails did to one request: the access line's and the metric's. */
export interface PiiOutcome {
  action: PiiAction;
  /** Categories found, in order of first appearance (custom patterns by their name). */
  categories: string[];
  /** With `restore`: placeholder → value, for the answer. */
  restore?: ReadonlyMap<string, string>;
}

/** One category found in one request: the labels of `switchyard_pii_findings_total`. */
export interface PiiFinding {
  tenant: string;
  /** A built-in category, or `custom` for an operator's pattern (its name would be an unbounded label). */
  category: string;
  action: PiiAction;
}

interface Compiled {
  policy: CompiledPiiPolicy;
  scanner: PiiScanner;
}

/** Distinct policies kept compiled; past it the cache starts over (policies are per tenant or key, so this is rarely reached). */
const MAX_POLICIES = 1024;
const BUILT_IN: ReadonlySet<string> = new Set(PII_CATEGORIES);

/**
 * The PII guardrails as a request applies them (docs/architecture.md, "PII guardrails"): the
 * ingress for interactive requests, the batch worker for batch lines. The policy comes with the
 * admitted key's Principal; `inspect` runs it over every text the request
 * carries (the operation's `redact`) before anything leaves for the router. `mask` rewrites the
 * texts, `block` refuses the request with a 400 naming the categories (never a value), `detect`
 * only records. Compiled scanners are cached by policy: by the policy object itself where auth
 * hands out the same one per key load (standalone), else by its content (the cluster decodes a
 * fresh Principal per request).
 */
export class PiiGuard {
  private readonly compiled = new Map<string, Compiled>();
  private readonly byObject = new WeakMap<PiiPolicy, Compiled>();

  /** `onFinding` counts each category found (the caller's metric: this library does no I/O). */
  constructor(private readonly onFinding: (finding: PiiFinding) => void = () => undefined) {}

  /**
   * Runs the key's policy over a request through `redact` (which hands every text of it to the
   * redaction); undefined when the key has none. A block is only reported here (so the access
   * line records it); `enforce` refuses.
   */
  inspect(pii: PiiPolicy | undefined, tenantId: string, redact: (redaction: PiiRedaction) => void): PiiOutcome | undefined {
    if (!pii?.action) return undefined;
    const { policy, scanner } = this.compile(pii);
    const redaction = new PiiRedaction(scanner, policy.action === 'mask');
    redact(redaction);
    if (!redaction.found) return { action: policy.action, categories: [] };
    const categories = [...redaction.categories];
    for (const category of categories) this.onFinding({ tenant: tenantId, category: BUILT_IN.has(category) ? category : CUSTOM_CATEGORY, action: policy.action });
    return { action: policy.action, categories, ...(policy.restore && redaction.values.size > 0 && { restore: redaction.values }) };
  }

  /** Throws the 400 of a blocking policy that found something: the categories, never a value. */
  enforce(outcome: PiiOutcome | undefined): void {
    if (outcome?.action === 'block' && outcome.categories.length > 0) {
      throw IrError.invalid(`This request contains personal data that this API key may not send (${outcome.categories.join(', ')}). Remove it and try again.`);
    }
  }

  private compile(pii: PiiPolicy): Compiled {
    const known = this.byObject.get(pii);
    if (known) return known;
    const key = `${pii.action}|${pii.restore ? 1 : 0}|${pii.categories.join(',')}|${pii.custom.map((c) => `${c.name}=${c.pattern}`).join('\u0000')}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      const config: PiiPolicyConfig = { action: pii.action as PiiAction, categories: pii.categories as PiiCategory[], restore: pii.restore, custom: pii.custom };
      const policy = compilePiiPolicy(config);
      compiled = { policy, scanner: new PiiScanner(policy) };
      if (this.compiled.size >= MAX_POLICIES) this.compiled.clear();
      this.compiled.set(key, compiled);
    }
    this.byObject.set(pii, compiled);
    return compiled;
  }
}
