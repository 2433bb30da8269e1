import { Dialect, familyOfDialect } from '@switchyard/ir';
import type { ChatRequest, ProviderFamily, VendorHeader } from '@switchyard/ir';

// Vendor request headers that change what an upstream does (docs/configuration.md, "Vendor
// headers"). An allowlist, per client dialect: the ingress keeps only these names from the
// client's request (ChatRequest.vendor_headers) and a provider forwards them only when the
// client speaks its own family's dialect, since only then was the body written for them. Never
// listed, so never forwarded: credentials (authorization, x-api-key, x-goog-api-key, api-key),
// and headers that pick the operator's account or billing, which the deployment sets instead.
//
// - Anthropic (docs.anthropic.com/en/api/versioning, /en/api/beta-headers): `anthropic-beta`
//   switches beta features on (comma-separated names; the deployment's `anthropicBeta` option
//   is added to the client's list), `anthropic-version` selects the API version the body is
//   written in (the client's wins over the deployment's `anthropicVersion`, which stays the
//   version of requests from other dialects).
// - OpenAI (platform.openai.com/docs/api-reference, "Beta" and "Authentication"): `OpenAI-Beta`
//   opts into beta API behaviour (`assistants=v2` …). `OpenAI-Organization` and
//   `OpenAI-Project` are not forwarded: with the operator's key they would let a tenant choose
//   which of the operator's organisations or projects pays; the deployment's own
//   `options.organization` / `options.project` are sent instead.
// - Gemini (ai.google.dev/api, "API versions"; cloud.google.com/apis/docs/system-parameters):
//   the API version is part of the URL, which the deployment's base URL / `apiVersion` decide;
//   the system parameters are not forwarded: `X-Goog-User-Project` bills a project of the
//   operator's, `X-Goog-FieldMask` would cut fields out of the answer the adapter reads, and
//   `x-goog-api-client` only names the client library. So nothing is forwarded for Gemini.

/** Header names (lower case) a client of each dialect may have forwarded to its own family. */
export const VENDOR_HEADERS: Readonly<Record<Dialect, readonly string[]>> = {
  [Dialect.DIALECT_UNSPECIFIED]: [],
  [Dialect.DIALECT_OPENAI]: ['openai-beta'],
  [Dialect.DIALECT_ANTHROPIC]: ['anthropic-beta', 'anthropic-version'],
  [Dialect.DIALECT_GEMINI]: [],
  // A Responses client is an OpenAI client: OpenAI-Beta reaches an OpenAI upstream the same way.
  [Dialect.DIALECT_OPENAI_RESPONSES]: ['openai-beta'],
};

/** Longest value kept: beta lists are short; anything longer is not a header a vendor defined. */
const MAX_VALUE_LENGTH = 1024;
/** Visible ASCII and spaces only: a value is copied into an upstream request line. */
const SAFE_VALUE = /^[\x20-\x7e]*$/;

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

/**
 * The allowlisted headers of `dialect` in `headers` (Node's lower-cased request headers), in
 * the allowlist's order (sorted, so the response-cache key sees the same bytes for the same
 * headers). A repeated header is joined with ", " as HTTP allows for list-valued headers.
 * Values that are empty, too long or not visible ASCII are left out.
 */
export function vendorHeadersOf(dialect: Dialect, headers: HeaderBag): VendorHeader[] {
  const names = VENDOR_HEADERS[dialect] ?? [];
  if (names.length === 0) return [];
  const out: VendorHeader[] = [];
  for (const name of names) {
    const raw = headers[name];
    const value = (Array.isArray(raw) ? raw.join(', ') : raw)?.trim();
    if (!value || value.length > MAX_VALUE_LENGTH || !SAFE_VALUE.test(value)) continue;
    out.push({ name, value });
  }
  return out;
}

/**
 * The client's vendor header `name` when the request came in a dialect of `family` (a
 * same-family route: `familyOfDialect`); undefined otherwise.
 */
export function sameFamilyHeader(req: ChatRequest, family: ProviderFamily, name: string): string | undefined {
  if (familyOfDialect(req.meta?.dialect) !== family || !req.vendorHeaders?.headers.length) return undefined;
  for (const h of req.vendorHeaders.headers) if (h.name === name) return h.value;
  return undefined;
}
