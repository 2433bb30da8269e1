// What admission needs of a virtual key, cached in memory (docs/architecture.md §1, auth: one
// round trip, key records cached and refreshed, never a database read per request).
import type { PiiPolicyConfig } from '@switchyard/guardrails';
import type { ModelPrice } from '@switchyard/shared';
import type { BalanceAccount } from './credit/balance.types';
import type { QuotaLimits } from './quota';
import type { TenantPlanQuota } from './plan-quota';

export interface KeyRecord {
  id: string;
  tenantId: string;
  /** For GET /v1/me: the tenant's name, the key's visible prefix and name. */
  tenantName?: string;
  prefix?: string;
  name?: string;
  /** Browser origins the tenant allows on top of the server's (CORS). */
  corsOrigins?: string[];
  /** Allowed public model patterns; empty means every model. */
  models: string[];
  expiresAt: number | undefined;
  revoked: boolean;
  /** The tenant's allowed deployment regions; empty means any. */
  allowedRegions?: string[];
  /** The key's own allowed regions (within the tenant's); empty means any. */
  keyRegions?: string[];
  /** Client IP ranges of the key and of its tenant; a client must be inside both (empty = any). */
  allowedIps?: string[];
  tenantAllowedIps?: string[];
  /** The tenant's allowed model patterns, on top of the key's; empty means every model. */
  tenantModels?: string[];
  /** The tenant opted in to content capture on its requests' spans (docs/architecture.md §9). */
  captureContent?: boolean;
  /** The tenant keeps its requests' bodies in the request audit (issue 18). */
  auditCaptureBodies?: boolean;
  /** Limits of the key alone and of all the tenant's keys together; absent fields are unlimited. */
  limits?: QuotaLimits;
  tenantLimits?: QuotaLimits;
  /** The tenant's price multiplier (issue 16): budgets reserve and settle the charged cost. Absent = 1. */
  priceMultiplier?: number;
  /** The PII guardrails that apply: the key's pii fields over its tenant's; absent = none. */
  pii?: PiiPolicyConfig;
  /** The tenant's plan (issue 16), shared by its keys' records; absent = no plan. */
  plan?: TenantPlanQuota;
  /** The tenant's spend alert thresholds in percent, ascending (issue 16); absent or empty = none. */
  spendAlerts?: readonly number[];
  /** The tenant is prepaid (has credit entries): its balance account (CreditAccountSource). */
  balance?: BalanceAccount;
}

export interface KeySource {
  /**
   * Every usable secret by the sha256 hex of its value: a key's current secret, and after a
   * rotation its previous one (a record of its own whose expiry is the end of the grace period).
   */
  loadAll(): Promise<Map<string, KeyRecord>>;
  /** Price history per public model, newest first; budgets are reserved and settled at these prices. */
  loadPrices?(): Promise<Map<string, ModelPrice[]>>;
}

