// What admission needs of a virtual key, cached in memory (DESIGN.md §1: one round trip, key
// records cached and refreshed, never a database read per request).

export interface KeyRecord {
  id: string;
  tenantId: string;
  /** Allowed public model patterns; empty means every model. */
  models: string[];
  expiresAt: number | undefined;
  revoked: boolean;
  /** The tenant's allowed deployment regions; empty means any. */
  allowedRegions?: string[];
  /** Client IP ranges of the key and of its tenant; a client must be inside both (empty = any). */
  allowedIps?: string[];
  tenantAllowedIps?: string[];
}

export interface KeySource {
  /** Every key by the sha256 hex of its value. */
  loadAll(): Promise<Map<string, KeyRecord>>;
}

export const KEY_SOURCE = Symbol('KeySource');
