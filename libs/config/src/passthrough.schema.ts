import { z } from 'zod';
import type { PassthroughConfig } from './switchyard-config.types';

// `providers[].passthrough` (switchyard.yaml) and the admin API's provider bodies: one shape,
// validated the same way in both. A name is what a client sends (`service_tier`), a nested one
// dotted (`tools.googleSearch`, `generationConfig.speechConfig`), `a.*` everything under `a`,
// `*` everything.
const FIELD = /^(?:\*|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?:\.\*)?)$/;

const fieldName = z
  .string()
  .max(128)
  .regex(FIELD, { error: (issue) => `expected a field name such as service_tier, tools.googleSearch, generationConfig.* or *, got ${JSON.stringify(issue.input)}` });

export const passthroughSchema = z.strictObject({
  allow: z.array(fieldName).max(64).optional(),
  deny: z.array(fieldName).max(64).optional(),
}) satisfies z.ZodType<PassthroughConfig>;
