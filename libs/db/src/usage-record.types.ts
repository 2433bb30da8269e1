import type { Prisma } from './generated/prisma/client';

export const USAGE_STATUSES = ['ok', 'error', 'aborted'] as const;
export type UsageStatus = (typeof USAGE_STATUSES)[number];

/** One finished request as billing stores it (table usage_records). */
export interface UsageRecordInput {
  /** The gateway's own (minted) request id; a second record with the same id is ignored. */
  requestId: string;
  /** The caller's own id for the request, for correlation (not unique). */
  clientRequestId?: string | null;
  tenantId: string;
  /** VirtualKey id (uuid). */
  keyId: string;
  /** The public model name the client asked for. */
  model: string;
  providerId?: string | null;
  deploymentId?: string | null;
  upstreamModel?: string | null;
  /** The client-facing API dialect, e.g. 'openai'. */
  dialect: string;
  stream: boolean;
  status: UsageStatus;
  httpStatus: number;
  errorKind?: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  reasoningTokens?: number;
  /** Input tokens written to the provider's prompt cache (part of inputTokens). */
  cacheWriteTokens?: number;
  /** Exact decimal; pass a string or Decimal to avoid binary floating point. Stored with 9 decimals. */
  costUsd: Prisma.Decimal | string | number;
  /** The tenant's price multiplier applied to costUsd, as decimal text; null/absent = none. */
  priceMultiplier?: string | null;
  /** What the upstream charged at the deployment's declared cost (9 decimals); null = not declared. */
  upstreamCostUsd?: string | null;
  /** A batch-API line (priced at the batch rates). */
  batch?: boolean;
  latencyMs: number;
  /** Time to first token, for streams. */
  ttftMs?: number | null;
  /** The serving gateway's region. */
  region?: string | null;
  /** The serving (or last tried) deployment's region: where the data went (issue 18). */
  deploymentRegion?: string | null;
  startedAt: Date;
  finishedAt: Date;
  /** Answered from the response cache; costUsd is then 0. */
  cacheHit?: boolean;
  /** Upstream attempts made. */
  attempts?: number;
}

/** A usage event the ledger refused for its data, set aside (table usage_rejects). */
export interface UsageRejectInput {
  requestId: string;
  tenantId?: string | null;
  /** The event as storable JSON text (see storableJson in @switchyard/shared). */
  eventJson: string;
  /** Why it was refused (storable text). */
  error: string;
}
