// The parts of the admin API's views the console reads (docs/admin-api.md; the full schemas are
// in GET /admin/v1/openapi.json).

export interface Tenant {
  id: string;
  name: string | null;
  rpm: number | null;
  tpm: number | null;
  models: string[];
  plan: string | null;
  createdAt: string;
}

export type KeyStatus = 'active' | 'revoked' | 'expired';

export interface Key {
  id: string;
  tenantId: string;
  name: string | null;
  prefix: string;
  status: KeyStatus;
  rpm: number | null;
  tpm: number | null;
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

export interface AdminTokenRow {
  id: string;
  name: string;
  role: string;
  tenantId: string | null;
  prefix: string;
  status: string;
}
