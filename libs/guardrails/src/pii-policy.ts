import { PII_CATEGORIES, type PiiAction, type PiiCategory } from './pii-category';
import { type CustomPattern, type CustomPatternConfig, compileCustomPattern } from './detectors/custom-pattern';

/** `guardrails.pii` of a tenant or key, as configured (switchyard.yaml, admin API, auth's Principal). */
export interface PiiPolicyConfig {
  action: PiiAction;
  /** Built-in categories to look for; empty or absent means all of them. */
  categories?: PiiCategory[];
  /** With `mask`: put the placeholders the upstream echoes back in the answer. */
  restore?: boolean;
  custom?: CustomPatternConfig[];
}

/** A policy ready to scan with: the category set resolved and the custom patterns compiled. */
export interface CompiledPiiPolicy {
  action: PiiAction;
  restore: boolean;
  categories: ReadonlySet<PiiCategory>;
  custom: readonly CustomPattern[];
}

/** The policy to apply: the key's fields over the tenant's (docs/architecture.md, "PII guardrails"). */
export function mergePiiConfig(tenant: PiiPolicyConfig | undefined, key: Partial<PiiPolicyConfig> | undefined): PiiPolicyConfig | undefined {
  if (!key) return tenant;
  const action = key.action ?? tenant?.action;
  if (!action) return undefined;
  return {
    action,
    categories: key.categories ?? tenant?.categories,
    restore: key.restore ?? tenant?.restore,
    custom: key.custom ?? tenant?.custom,
  };
}

/** Compiles a policy; throws when a custom pattern is unsafe or invalid (config validation shows it first). */
export function compilePiiPolicy(config: PiiPolicyConfig): CompiledPiiPolicy {
  const categories = config.categories?.length ? config.categories : PII_CATEGORIES;
  return {
    action: config.action,
    restore: config.action === 'mask' && config.restore === true,
    categories: new Set(categories),
    custom: (config.custom ?? []).map(compileCustomPattern),
  };
}

/** `guardrails` of a tenant or key (switchyard.yaml, admin API). */
export interface GuardrailsConfig {
  pii?: PiiPolicyConfig;
}
