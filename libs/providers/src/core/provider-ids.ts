// The one declaration of the provider type ids and of the adapter worker families. The registry
// (`../registry.ts`) must hold an adapter for every id, or it does not compile; the
// configuration schema, the admin API and the adapter workers take their lists from here
// (docs/architecture.md §4, Provider types).

import { PROVIDER_FAMILIES, type ProviderFamily } from '@switchyard/ir';

/** The `type` of a provider in switchyard.yaml and the admin API. */
export const PROVIDER_IDS = ['openai', 'azure-openai', 'openai-compatible', 'anthropic', 'gemini'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/**
 * Adapter worker families: `apps/adapter` runs once per family (`ADAPTER_PROVIDER=openai`), and
 * each provider's manifest names the family whose worker serves it. They are the provider
 * families of libs/ir, which also maps each client dialect to its family.
 */
export const ADAPTER_FAMILIES = PROVIDER_FAMILIES;
export type AdapterFamily = ProviderFamily;
