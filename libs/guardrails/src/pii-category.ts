/**
 * The built-in PII categories (docs/architecture.md, "PII guardrails"). The names are the
 * config's (`guardrails.pii.categories`), the metric label and the access log's; the label is
 * the placeholder's (`[EMAIL_1]`). Custom patterns add categories named by the operator.
 */
export const PII_CATEGORIES = ['email', 'phone', 'cn_id', 'card', 'iban', 'ip', 'secret'] as const;
export type PiiCategory = (typeof PII_CATEGORIES)[number];

export const PII_ACTIONS = ['mask', 'block', 'detect'] as const;
export type PiiAction = (typeof PII_ACTIONS)[number];

/** The metric label of every custom pattern's findings: operator-chosen names would be unbounded. */
export const CUSTOM_CATEGORY = 'custom';

/** `[LABEL_N]`: the label of a category, upper case (a custom pattern's name, upper-cased). */
export function placeholderLabel(category: string): string {
  return category.toUpperCase();
}
