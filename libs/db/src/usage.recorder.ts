import type { Prisma } from './generated/prisma/client';
import type { UsageRecordInput } from './usage-record.types';

/**
 * Stores one usage record; idempotent on requestId (INSERT ... ON CONFLICT DO NOTHING), so a
 * billing event delivered twice is counted once. Resolves true when the row is new.
 * Takes a PrismaClient or a transaction client.
 */
export async function recordUsage(prisma: Prisma.TransactionClient, event: UsageRecordInput): Promise<boolean> {
  const { count } = await prisma.usageRecord.createMany({ data: [toRow(event)], skipDuplicates: true });
  return count === 1;
}

/** Stores many usage records in one statement, same idempotency; resolves how many were new. */
export async function recordUsageBatch(prisma: Prisma.TransactionClient, events: readonly UsageRecordInput[]): Promise<number> {
  if (events.length === 0) return 0;
  const { count } = await prisma.usageRecord.createMany({ data: events.map(toRow), skipDuplicates: true });
  return count;
}

// Copies the columns one by one: callers often pass a richer event object, and Prisma rejects
// unknown fields.
function toRow(e: UsageRecordInput): Prisma.UsageRecordCreateManyInput {
  return {
    requestId: e.requestId,
    tenantId: e.tenantId,
    keyId: e.keyId,
    model: e.model,
    providerId: e.providerId ?? null,
    deploymentId: e.deploymentId ?? null,
    upstreamModel: e.upstreamModel ?? null,
    dialect: e.dialect,
    stream: e.stream,
    status: e.status,
    httpStatus: e.httpStatus,
    errorKind: e.errorKind ?? null,
    inputTokens: e.inputTokens,
    outputTokens: e.outputTokens,
    cachedInputTokens: e.cachedInputTokens ?? 0,
    reasoningTokens: e.reasoningTokens ?? 0,
    costUsd: e.costUsd,
    latencyMs: e.latencyMs,
    ttftMs: e.ttftMs ?? null,
    region: e.region ?? null,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
  };
}
