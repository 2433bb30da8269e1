import { Dialect } from './generated/switchyard/ir/v1/ir';

// The one map from a client dialect to the provider family that speaks it (docs/architecture.md
// §2, "same family"). Two things hang on it: an answer keeps the upstream's own response id only
// when the upstream is of the client's family (libs/dialects, upstream-id.ts), and a client's
// vendor headers reach only an upstream of its own family (libs/providers, vendor-headers.ts).
// A Responses client is an OpenAI client: OpenAI serves both APIs.

/**
 * The provider families, which are also the adapter worker families (`ADAPTER_PROVIDER`) and the
 * values of `StartEvent.upstream_family`.
 */
export const PROVIDER_FAMILIES = ['openai', 'anthropic', 'gemini'] as const;
export type ProviderFamily = (typeof PROVIDER_FAMILIES)[number];

/** Exhaustive over the dialects: a new dialect does not compile until it is given its family. */
const FAMILY_OF_DIALECT: Readonly<Record<Dialect, ProviderFamily | undefined>> = {
  [Dialect.DIALECT_UNSPECIFIED]: undefined,
  [Dialect.DIALECT_OPENAI]: 'openai',
  [Dialect.DIALECT_OPENAI_RESPONSES]: 'openai',
  [Dialect.DIALECT_ANTHROPIC]: 'anthropic',
  [Dialect.DIALECT_GEMINI]: 'gemini',
};

/** The provider family whose own API `dialect` is; undefined for none (unspecified). */
export function familyOfDialect(dialect: Dialect | undefined): ProviderFamily | undefined {
  return dialect === undefined ? undefined : FAMILY_OF_DIALECT[dialect];
}
