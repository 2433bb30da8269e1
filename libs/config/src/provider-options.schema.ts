import { OPENAI_APIS, OPENAI_VENDORS, RESPONSES_REASONING_SUMMARIES } from '@switchyard/providers';
import { z } from 'zod';

// `providers[].options` (switchyard.yaml) and the admin API's provider bodies: one shape,
// validated the same way in both. The two settings operators write most are typed, so a typo
// fails when the file is read rather than as a 400 or 502 at request time:
// - `vendor` (openai-compatible only): the vendor profile, one of the providers registry's
//   OPENAI_VENDORS; absent means `generic`.
// - `apiVersion`: azure-openai's `api-version` query parameter, Gemini's path version (`v1beta`).
// - `api` (openai and azure-openai only): `chat` (Chat Completions, the default) or `responses`
//   (the Responses API); `reasoningSummary` (with `api: responses`): the reasoning summary asked
//   for, `none` for an organisation not verified for summaries.
// Other provider-specific settings (`defaultMaxTokens`, `anthropicBeta`, `thinking`) stay scalars.

const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' });

export const vendorSchema = z.enum(OPENAI_VENDORS, {
  error: (issue) => `unknown vendor profile ${JSON.stringify(issue.input)}; expected one of ${OPENAI_VENDORS.join(', ')}`,
});

export const providerOptionsSchema = z
  .object({
    vendor: vendorSchema.optional(),
    apiVersion: z.string().min(1).max(64).optional(),
    api: z.enum(OPENAI_APIS, { error: (issue) => `unknown API ${JSON.stringify(issue.input)}; expected one of ${OPENAI_APIS.join(', ')}` }).optional(),
    reasoningSummary: z
      .enum(RESPONSES_REASONING_SUMMARIES, { error: (issue) => `unknown reasoning summary ${JSON.stringify(issue.input)}; expected one of ${RESPONSES_REASONING_SUMMARIES.join(', ')}` })
      .optional(),
  })
  .catchall(scalar);
