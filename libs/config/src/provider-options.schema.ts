import { OPENAI_VENDORS } from '@switchyard/providers';
import { z } from 'zod';

// `providers[].options` (switchyard.yaml) and the admin API's provider bodies: one shape,
// validated the same way in both. The two settings operators write most are typed, so a typo
// fails when the file is read rather than as a 400 or 502 at request time:
// - `vendor` (openai-compatible only): the vendor profile, one of the providers registry's
//   OPENAI_VENDORS; absent means `generic`.
// - `apiVersion`: azure-openai's `api-version` query parameter, Gemini's path version (`v1beta`).
// Other provider-specific settings (`defaultMaxTokens`, `anthropicBeta`, `thinking`) stay scalars.

const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' });

export const vendorSchema = z.enum(OPENAI_VENDORS, {
  error: (issue) => `unknown vendor profile ${JSON.stringify(issue.input)}; expected one of ${OPENAI_VENDORS.join(', ')}`,
});

export const providerOptionsSchema = z
  .object({
    vendor: vendorSchema.optional(),
    apiVersion: z.string().min(1).max(64).optional(),
  })
  .catchall(scalar);
