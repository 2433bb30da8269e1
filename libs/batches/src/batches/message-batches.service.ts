import type { Database, Prisma } from '@switchyard/db';
import { ErrorKind, IrError } from '@switchyard/ir';
import type { VendorHeader } from '@switchyard/ir';
import type { BatchQueue } from '@switchyard/queue';
import { randomBytes } from 'node:crypto';
import { ANTHROPIC_MESSAGES } from '../lines/batch-line.registry';
import type { BatchRow } from './batch-object';
import type { Submitter } from './batches.service';

// Anthropic Message Batches (https://docs.anthropic.com/en/api/creating-message-batches): the
// requests come inline (`requests: [{custom_id, params}]`), each a Messages request; results are
// JSONL of `{custom_id, result: {type: succeeded|errored|canceled|expired, …}}`. The same batches
// and batch_lines tables and the same worker as OpenAI's batches (api = "anthropic").

/** Anthropic's documented limits: 100,000 requests per batch; custom_id 1–64 of [a-zA-Z0-9_-]. */
const MAX_REQUESTS = 100_000;
const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;
/** Results stay 24 hours in Anthropic's own window; batches end within it. */
const WINDOW_MS = 24 * 3600_000;
const MAX_LIST = 1_000;
const DEFAULT_LIST = 20;

export type MessageBatchCounts = Record<'processing' | 'succeeded' | 'errored' | 'canceled' | 'expired', number>;

export class MessageBatchesService {
  constructor(
    private readonly db: Database,
    private readonly queue: BatchQueue,
  ) {}

  /**
   * `vendorHeaders`: the create request's, as `messageBatchLineHeaders` keeps them; stored with
   * the batch, and carried by each of its lines (docs/configuration.md, "Vendor headers").
   */
  async create(who: Submitter, body: unknown, base: string, vendorHeaders: readonly VendorHeader[]): Promise<Record<string, unknown>> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw IrError.invalid('The request body must be a JSON object.');
    const requests = (body as Record<string, unknown>)['requests'];
    if (!Array.isArray(requests) || !requests.length) throw IrError.invalid('requests: a list of at least one request is required.', 'requests');
    if (requests.length > MAX_REQUESTS) throw IrError.invalid(`requests: at most ${MAX_REQUESTS} requests per batch.`, 'requests');
    const seen = new Set<string>();
    const lines = requests.map((r: unknown, i) => {
      const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
      const customId = o['custom_id'];
      if (typeof customId !== 'string' || !CUSTOM_ID.test(customId)) throw IrError.invalid(`requests.${i}.custom_id: 1 to 64 letters, digits, '_' or '-'.`, `requests.${i}.custom_id`);
      if (seen.has(customId)) throw IrError.invalid(`requests.${i}.custom_id: '${customId}' is used by an earlier request; each must be unique.`, `requests.${i}.custom_id`);
      seen.add(customId);
      const params = o['params'];
      if (typeof params !== 'object' || params === null || Array.isArray(params)) throw IrError.invalid(`requests.${i}.params: a Messages request object is required.`, `requests.${i}.params`);
      return { line: i + 1, customId, body: params as Prisma.InputJsonValue };
    });
    const now = new Date();
    const id = `msgbatch_${randomBytes(18).toString('base64url').replace(/[-_]/g, '0')}`;
    const [row] = await this.db.prisma.$transaction([
      this.db.prisma.batch.create({
        data: {
          id, tenantId: who.tenantId, keyId: who.keyId, keyHash: who.keyHash, clientIp: who.clientIp, api: 'anthropic', endpoint: ANTHROPIC_MESSAGES,
          inputFileId: '', completionWindow: '24h', status: 'in_progress', total: lines.length, createdAt: now, inProgressAt: now, expiresAt: new Date(now.getTime() + WINDOW_MS),
          ...(vendorHeaders.length ? { vendorHeaders: vendorHeaders.map(({ name, value }) => ({ name, value })) } : {}),
        },
      }),
      this.db.prisma.batchLine.createMany({ data: lines.map((l) => ({ batchId: id, ...l })) }),
    ]);
    await this.queue.enqueue(id);
    return this.render(row, base);
  }

  async retrieve(tenantId: string, id: string, base: string): Promise<Record<string, unknown>> {
    return this.render(await this.row(tenantId, id), base);
  }

  /** Newest first; `after_id` pages on to older ones, `before_id` back to newer ones (Anthropic's Page). */
  async list(tenantId: string, q: { beforeId?: string; afterId?: string; limit?: number }, base: string): Promise<Record<string, unknown>> {
    const limit = Math.min(Math.max(q.limit ?? DEFAULT_LIST, 1), MAX_LIST);
    const where: Prisma.BatchWhereInput = { tenantId, api: 'anthropic' };
    const before = q.beforeId !== undefined;
    const cursorId = q.beforeId ?? q.afterId;
    if (cursorId !== undefined) {
      const c = await this.row(tenantId, cursorId);
      where.OR = before
        ? [{ createdAt: { gt: c.createdAt } }, { createdAt: c.createdAt, id: { gt: c.id } }]
        : [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }];
    }
    const order = before ? 'asc' : 'desc';
    const rows = await this.db.prisma.batch.findMany({ where, orderBy: [{ createdAt: order }, { id: order }], take: limit + 1 });
    const page = rows.slice(0, limit);
    if (before) page.reverse();
    const data = await Promise.all(page.map((r) => this.render(r, base)));
    return { data, has_more: rows.length > limit, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null };
  }

  async cancel(tenantId: string, id: string, base: string): Promise<Record<string, unknown>> {
    const row = await this.row(tenantId, id);
    if (row.status === 'in_progress') {
      await this.db.prisma.batch.updateMany({ where: { id, status: 'in_progress' }, data: { status: 'cancelling', cancellingAt: new Date() } });
      await this.queue.enqueue(id);
    }
    return this.render(await this.row(tenantId, id), base);
  }

  /** Only an ended batch may be deleted (Anthropic: cancel it first). */
  async delete(tenantId: string, id: string): Promise<{ id: string; type: 'message_batch_deleted' }> {
    const row = await this.row(tenantId, id);
    if (processingStatus(row.status) !== 'ended') throw IrError.invalid(`Batch ${id} is still processing; cancel it before deleting it.`);
    await this.db.prisma.$transaction([this.db.prisma.batchLine.deleteMany({ where: { batchId: id } }), this.db.prisma.batch.delete({ where: { id } })]);
    return { id, type: 'message_batch_deleted' };
  }

  /** The results as JSONL, in request order, once the batch ended. */
  async results(tenantId: string, id: string): Promise<string> {
    const row = await this.row(tenantId, id);
    if (processingStatus(row.status) !== 'ended') throw IrError.invalid(`Batch ${id} has not ended yet; its results are not available.`);
    const lines = await this.db.prisma.batchLine.findMany({ where: { batchId: id }, orderBy: { line: 'asc' }, select: { customId: true, state: true, result: true } });
    return lines.map((l) => `${JSON.stringify({ custom_id: l.customId, result: resultOf(l.state, l.result) })}\n`).join('');
  }

  private async render(b: BatchRow, base: string): Promise<Record<string, unknown>> {
    const groups = await this.db.prisma.batchLine.groupBy({ by: ['state'], where: { batchId: b.id }, _count: { _all: true } });
    const counts = messageBatchCounts(groups.map((g) => ({ state: g.state, lines: g._count._all })));
    const status = processingStatus(b.status);
    const ended = b.completedAt ?? b.cancelledAt ?? b.expiredAt;
    return {
      id: b.id,
      type: 'message_batch',
      processing_status: status,
      request_counts: counts,
      ended_at: ended?.toISOString() ?? null,
      created_at: b.createdAt.toISOString(),
      expires_at: b.expiresAt.toISOString(),
      archived_at: null,
      cancel_initiated_at: b.cancellingAt?.toISOString() ?? null,
      results_url: status === 'ended' ? `${base}/v1/messages/batches/${b.id}/results` : null,
    };
  }

  private async row(tenantId: string, id: string): Promise<BatchRow> {
    const row = await this.db.prisma.batch.findFirst({ where: { tenantId, id, api: 'anthropic' } });
    if (!row) throw new IrError(ErrorKind.ERROR_KIND_NOT_FOUND, `No message batch found with id ${id}.`);
    return row;
  }
}

function processingStatus(status: string): 'in_progress' | 'canceling' | 'ended' {
  if (status === 'cancelling') return 'canceling';
  if (status === 'in_progress' || status === 'validating' || status === 'finalizing') return 'in_progress';
  return 'ended';
}

/** A Message Batch's `request_counts` from how many of its lines are in each state. */
export function messageBatchCounts(states: Iterable<{ state: string; lines: number }>): MessageBatchCounts {
  const counts: MessageBatchCounts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
  for (const s of states) counts[countOf(s.state)] += s.lines;
  return counts;
}

/** Which of a Message Batch's `request_counts` a line in `state` counts under. */
function countOf(state: string): keyof MessageBatchCounts {
  switch (state) {
    case 'done':
      return 'succeeded';
    case 'failed':
      return 'errored';
    case 'cancelled':
      return 'canceled';
    case 'expired':
      return 'expired';
    default:
      return 'processing';
  }
}

/** A line's stored output line (`response.body` is the Message, or the Anthropic error body) as a Message Batch result. */
function resultOf(state: string, stored: unknown): Record<string, unknown> {
  const body = (stored as { response?: { body?: unknown } } | null)?.response?.body;
  switch (state) {
    case 'done':
      return { type: 'succeeded', message: body };
    case 'failed':
      return { type: 'errored', error: body };
    case 'expired':
      return { type: 'expired' };
    default:
      return { type: 'canceled' };
  }
}
