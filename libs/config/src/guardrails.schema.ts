import { PII_ACTIONS, PII_CATEGORIES, type GuardrailsConfig, unsafePatternReason } from '@switchyard/guardrails';
import { z } from 'zod';

// `guardrails` of a tenant or key in switchyard.yaml and in the admin API's tenant and key
// bodies: one shape, validated the same way in both (docs/architecture.md, "PII guardrails").

// A custom pattern's name becomes its placeholder label (`employee_id` → `[EMPLOYEE_ID_1]`).
const patternName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,31}$/, { error: 'expected a lower-case name such as employee_id (letters, digits, "_"; at most 32)' })
  .refine((n) => !(PII_CATEGORIES as readonly string[]).includes(n), { error: `a custom pattern may not reuse a built-in category name (${PII_CATEGORIES.join(', ')})` });

// Refused before it can ever run: the reason says what to change. Not echoed: a pattern may
// spell out the very values it guards.
const pattern = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    const reason = unsafePatternReason(source);
    if (reason) return void ctx.addIssue({ code: 'custom', message: `this pattern ${reason}; rewrite it without that` });
    try {
      new RegExp(source);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}` });
    }
  });

const customPattern = z.strictObject({ name: patternName, pattern });

export const piiPolicySchema = z.strictObject({
  action: z.enum(PII_ACTIONS, { error: `expected one of ${PII_ACTIONS.join(', ')}` }),
  categories: z.array(z.enum(PII_CATEGORIES, { error: `expected one of ${PII_CATEGORIES.join(', ')}` })).optional(),
  restore: z.boolean().optional(),
  custom: z
    .array(customPattern)
    .max(32)
    .refine((list) => new Set(list.map((c) => c.name)).size === list.length, { error: 'two custom patterns share a name' })
    .optional(),
});

export const guardrailsSchema = z.strictObject({ pii: piiPolicySchema.optional() }) satisfies z.ZodType<GuardrailsConfig>;
