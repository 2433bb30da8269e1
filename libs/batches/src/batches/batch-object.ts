import type { BatchError } from './batch-input';
import { unixSeconds } from '../files/file-object';

export const BATCH_STATUSES = ['validating', 'failed', 'in_progress', 'finalizing', 'completed', 'expired', 'cancelling', 'cancelled'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
/** States a worker still has work in. */
export const UNFINISHED: readonly BatchStatus[] = ['validating', 'in_progress', 'finalizing', 'cancelling'];

/** A `batches` row as Prisma returns it. */
export interface BatchRow {
  id: string;
  tenantId: string;
  keyId: string;
  keyHash: string;
  clientIp: string;
  /** "openai" (Batches) or "anthropic" (Message Batches). */
  api: string;
  endpoint: string;
  inputFileId: string;
  completionWindow: string;
  status: string;
  model: string | null;
  metadata: unknown;
  errors: unknown;
  outputFileId: string | null;
  errorFileId: string | null;
  /** `output_expires_after.seconds` for the files the batch writes; null = kept until deleted. */
  outputExpiresSeconds?: number | null;
  /** A Message Batch's create request's vendor headers (`[{name, value}]`), for its lines; null = none. */
  vendorHeaders?: unknown;
  total: number;
  completed: number;
  failed: number;
  /** Token sums of the lines recorded so far (BIGINT columns). */
  inputTokens: bigint;
  cachedInputTokens: bigint;
  outputTokens: bigint;
  reasoningTokens: bigint;
  createdAt: Date;
  inProgressAt: Date | null;
  expiresAt: Date;
  finalizingAt: Date | null;
  completedAt: Date | null;
  failedAt: Date | null;
  expiredAt: Date | null;
  cancellingAt: Date | null;
  cancelledAt: Date | null;
}

/** OpenAI's Batch object (openai-node `Batch`). */
export function renderBatch(b: BatchRow): Record<string, unknown> {
  const t = (d: Date | null) => (d ? unixSeconds(d) : null);
  const errors = b.errors as BatchError[] | null;
  return {
    id: b.id,
    object: 'batch',
    endpoint: b.endpoint,
    model: b.model,
    errors: errors?.length ? { object: 'list', data: errors } : null,
    input_file_id: b.inputFileId,
    completion_window: b.completionWindow,
    status: b.status,
    output_file_id: b.outputFileId,
    error_file_id: b.errorFileId,
    created_at: unixSeconds(b.createdAt),
    in_progress_at: t(b.inProgressAt),
    expires_at: unixSeconds(b.expiresAt),
    finalizing_at: t(b.finalizingAt),
    completed_at: t(b.completedAt),
    failed_at: t(b.failedAt),
    expired_at: t(b.expiredAt),
    cancelling_at: t(b.cancellingAt),
    cancelled_at: t(b.cancelledAt),
    request_counts: { total: b.total, completed: b.completed, failed: b.failed },
    usage: batchUsage(b),
    metadata: b.metadata ?? null,
  };
}

/**
 * OpenAI's Batch `usage` (openai-node `BatchUsage`): the tokens of the lines answered so far, in
 * the Responses API's names. Input counts cached tokens too, as `prompt_tokens` does on a line.
 */
function batchUsage(b: BatchRow): Record<string, unknown> {
  const input = Number(b.inputTokens);
  const output = Number(b.outputTokens);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: Number(b.cachedInputTokens) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: Number(b.reasoningTokens) },
    total_tokens: input + output,
  };
}
