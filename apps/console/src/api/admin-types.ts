// The parts of the admin API's views the console reads (docs/admin-api.md; the full schemas are
// in GET /admin/v1/openapi.json).

/** Limits and allow-lists a tenant and each of its keys may set (null: no limit; an empty list: any). */
export interface AccessLimits {
  rpm: number | null;
  tpm: number | null;
  concurrency: number | null;
  budget: { dailyUsd: number | null; monthlyUsd: number | null };
  models: string[];
  regions: string[];
  ips: string[];
}

export interface Tenant extends AccessLimits {
  id: string;
  name: string | null;
  priceMultiplier: number | null;
  plan: string | null;
  alerts: { spend: number[] };
  observability: { captureContent: boolean };
  audit: { captureBodies: boolean };
  /** Browser origins its keys may be used from, on top of the server's. */
  cors: { origins: string[] };
  createdAt: string;
}

export type KeyStatus = 'active' | 'revoked' | 'expired';

export interface Key extends AccessLimits {
  id: string;
  tenantId: string;
  name: string | null;
  prefix: string;
  status: KeyStatus;
  expiresAt: string | null;
  rotation: { previousPrefix: string; previousExpiresAt: string; previousActive: boolean } | null;
  createdAt: string;
}

export interface KeyWithSecret {
  key: Key;
  secret: string;
}

export interface Provider {
  id: string;
  type: string;
  baseUrl: string;
  region: string | null;
}

export interface Deployment {
  id: string;
  provider: string;
  model: string;
  weight: number;
  priority: number;
}

export interface Model {
  name: string;
  strategy: string;
  fallbacks: string[];
  deployments: Deployment[];
  price: { inputPerMTok: number; outputPerMTok: number } | null;
}

export interface DeploymentHealth {
  deploymentId: string;
  model: string;
  providerId: string;
  circuit: string;
  cooldownUntil: number;
  ejectedUntil: number;
  inFlight: number;
  windowRequests: number;
  windowFailures: number;
  ewmaTtftMs: number;
  ewmaTotalMs: number;
}

export interface RollupRow {
  bucket: string;
  tenant?: string;
  key?: string;
  model?: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
}

export interface Rollups {
  rows: RollupRow[];
  nextOffset: number | null;
}

export interface StatementLine {
  model: string;
  keyId: string;
  requests: number;
  errors: number;
  costUsd: string;
}

export interface Statement {
  tenantId: string;
  month: string;
  lines: StatementLine[];
  usage: { requests: number; costUsd: string };
  sections: { kind: string; totalUsd: string; lines: { label: string; amountUsd: string }[] }[];
}

export interface RequestRow {
  requestId: string;
  startedAt: string;
  tenantId: string;
  keyId: string;
  endpoint: string;
  model: string;
  providerId: string | null;
  outcome: string;
  httpStatus: number;
  errorKind: string | null;
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  after: unknown;
}

export type AdminRole = 'platform' | 'tenant' | 'read-only';

export interface AdminToken {
  id: string;
  name: string;
  role: AdminRole;
  tenantId: string | null;
  prefix: string;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
}

export interface AdminTokenWithSecret {
  token: AdminToken;
  secret: string;
}

export type CreditKind = 'top_up' | 'adjustment' | 'refund';

export interface CreditEntry {
  id: string;
  tenantId: string;
  amountUsd: number;
  kind: CreditKind;
  actor: string;
  reason: string;
  createdAt: string;
}

export interface Balance {
  tenantId: string;
  prepaid: boolean;
  prepaidSince: string | null;
  creditsUsd: number;
  spentUsd: number;
  balanceUsd: number;
  reservedUsd: number | null;
  inFlight: number | null;
  availableUsd: number | null;
}

export type PlanOverage = 'price' | 'stop';

export interface Plan {
  id: string;
  name: string | null;
  monthlyFeeUsd: number;
  included: { usd?: number; tokens?: number } | null;
  overage: PlanOverage;
  overageMultiplier: number | null;
  tenants: number;
  createdAt: string;
  updatedAt: string;
}
