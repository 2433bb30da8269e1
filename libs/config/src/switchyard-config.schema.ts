import { z } from 'zod';
import { isWellFormedSecretRef } from './secret-ref.resolver';
import { DEFAULT_ROUTING, PROVIDER_TYPES, type SwitchyardConfig } from './switchyard-config.types';

// The shape of switchyard.yaml (DESIGN.md §4). Strict objects everywhere: a misspelt key
// (`wieght: 3`) must fail loudly rather than silently fall back to its default.
// Cross-references (ids, names, duplicates) are checked in switchyard-config.checks.ts.

// Ids end up in metric labels, log fields and admin URLs, so they stay URL-safe.
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
  error: 'expected letters, digits, ".", "_" or "-", starting with a letter or digit',
});
// Model names are whatever upstreams and tenants use (`meta-llama/Llama-3-8B`, `qwen2.5:7b`).
const name = z.string().regex(/^\S+$/, { error: 'expected a name without spaces' });
const secretRef = z
  .string()
  .min(1)
  .refine(isWellFormedSecretRef, { error: 'expected env:NAME with NAME a valid environment variable name' });
const httpUrl = z.string().refine(isHttpUrl, { error: (issue) => `expected an http(s) URL, got ${JSON.stringify(issue.input)}` });
const port = z.int().min(1).max(65_535);
const positiveInt = z.int().min(1);
const millis = z.int().min(1);
const money = z.number().min(0);

/** A YAML key written with nothing after it (`tenants:`) parses as null; treat it as absent. */
function section<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema);
}

const serverSchema = z.strictObject({
  port: port.default(8080),
  adminToken: secretRef.optional(),
  region: name.optional(),
});

const routingSchema = z.strictObject({
  // Each retry adds load to an upstream that is already failing; past a handful it only hurts.
  retries: z.int().min(0).max(10).default(DEFAULT_ROUTING.retries),
  timeouts: section(
    z.strictObject({
      connectMs: millis.default(DEFAULT_ROUTING.timeouts.connectMs),
      firstTokenMs: millis.default(DEFAULT_ROUTING.timeouts.firstTokenMs),
      totalMs: millis.default(DEFAULT_ROUTING.timeouts.totalMs),
    }).prefault({}),
  ),
});

const providerSchema = z.strictObject({
  id,
  type: z.enum(PROVIDER_TYPES),
  baseUrl: httpUrl,
  // Local OpenAI-compatible servers (Ollama, vLLM) commonly need no key.
  apiKeys: z.array(secretRef).default([]),
  region: name.optional(),
  options: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' }))
    .optional(),
});

const deploymentSchema = z.strictObject({
  provider: id,
  model: name,
  // Weight 0 drains a deployment without deleting it.
  weight: z.number().min(0).default(1),
  priority: z.int().min(0).default(0),
  rpm: positiveInt.optional(),
  tpm: positiveInt.optional(),
});

const modelSchema = z.strictObject({
  name,
  deployments: z.array(deploymentSchema).min(1),
  fallbacks: z.array(name).default([]),
  price: z
    .strictObject({ inputPerMTok: money, outputPerMTok: money, cachedInputPerMTok: money.optional() })
    .optional(),
});

const keySchema = z.strictObject({
  key: secretRef,
  name: z.string().min(1).optional(),
  rpm: positiveInt.optional(),
  tpm: positiveInt.optional(),
  models: z.array(z.string().min(1)).optional(),
});

const tenantSchema = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  budget: z.strictObject({ monthlyUsd: money.optional(), dailyUsd: money.optional() }).optional(),
  keys: z.array(keySchema).default([]),
});

export const switchyardConfigSchema = z.strictObject({
  server: section(serverSchema.prefault({})),
  routing: section(routingSchema.prefault({})),
  providers: section(z.array(providerSchema).default([])),
  models: section(z.array(modelSchema).default([])),
  tenants: section(z.array(tenantSchema).default([])),
}) satisfies z.ZodType<SwitchyardConfig>;

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}
