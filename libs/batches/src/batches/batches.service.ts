import type { Database, Prisma } from '@switchyard/db';
import { ErrorKind, IrError } from '@switchyard/ir';
import type { BatchQueue } from '@switchyard/queue';
import { expiresAfterOf } from '../files/file-expiry';
import { unexpired } from '../files/files.service';
import { newBatchId } from '../object-ids';
import { type BatchRow, renderBatch } from './batch-object';

/** OpenAI accepts only this window (openai-node `BatchCreateParams.completion_window`). */
const WINDOWS: Readonly<Record<string, number>> = { '24h': 24 * 3600_000 };
/** OpenAI's metadata limits: 16 pairs, keys ≤ 64 characters, values ≤ 512. */
const MAX_METADATA = 16;
const MAX_LIST = 100;
const DEFAULT_LIST = 20;

/** Who submits: the admitted key (its hash, for the lines' own admissions) and its address. */
export interface Submitter {
  tenantId: string;
  keyId: string;
  keyHash: string;
  clientIp: string;
}

/**
 * POST/GET /v1/batches and cancel (docs/architecture.md, "Files and batches"): checks the
 * request, stores the batch as `validating` and queues it; the worker checks the input file line
 * by line and runs it. Every look-up is by tenant, so another tenant's id is unknown (404).
 */
export class BatchesService {
  constructor(
    private readonly db: Database,
    private readonly queue: BatchQueue,
    /** The endpoints a batch may name (the line operations' registry). */
    private readonly endpoints: ReadonlySet<string>,
  ) {}

  async create(who: Submitter, body: unknown): Promise<Record<string, unknown>> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw IrError.invalid('The request body must be a JSON object.');
    const o = body as Record<string, unknown>;
    const inputFileId = o['input_file_id'];
    if (typeof inputFileId !== 'string' || !inputFileId) throw IrError.invalid("Missing required parameter: 'input_file_id'.", 'input_file_id');
    const endpoint = o['endpoint'];
    if (typeof endpoint !== 'string' || !this.endpoints.has(endpoint)) {
      throw IrError.invalid(`Invalid value for 'endpoint': ${JSON.stringify(endpoint ?? null)}; this gateway runs batches for ${[...this.endpoints].join(', ')}.`, 'endpoint');
    }
    const window = o['completion_window'];
    const windowMs = typeof window === 'string' ? WINDOWS[window] : undefined;
    if (windowMs === undefined) throw IrError.invalid(`Invalid value for 'completion_window': expected one of ${Object.keys(WINDOWS).join(', ')}.`, 'completion_window');
    const metadata = metadataOf(o['metadata']);
    const outputExpiresSeconds = expiresAfterOf(o['output_expires_after'], 'output_expires_after');
    const input = await this.db.prisma.storedFile.findFirst({ where: { tenantId: who.tenantId, id: inputFileId, ...unexpired(new Date()) } });
    if (!input) throw new IrError(ErrorKind.ERROR_KIND_NOT_FOUND, `No such File object: ${inputFileId}`, 'input_file_id');
    if (input.purpose !== 'batch') throw IrError.invalid(`The file ${inputFileId} was uploaded with purpose '${input.purpose}'; a batch needs purpose 'batch'.`, 'input_file_id');
    const now = new Date();
    const row = await this.db.prisma.batch.create({
      data: {
        id: newBatchId(),
        tenantId: who.tenantId,
        keyId: who.keyId,
        keyHash: who.keyHash,
        clientIp: who.clientIp,
        endpoint,
        inputFileId,
        completionWindow: window as string,
        status: 'validating',
        ...(metadata && { metadata }),
        ...(outputExpiresSeconds && { outputExpiresSeconds }),
        createdAt: now,
        expiresAt: new Date(now.getTime() + windowMs),
      },
    });
    await this.queue.enqueue(row.id);
    return renderBatch(row);
  }

  async retrieve(tenantId: string, batchId: string): Promise<Record<string, unknown>> {
    return renderBatch(await this.row(tenantId, batchId));
  }

  /** Newest first; `after` is the last id of the previous page (OpenAI's cursor). */
  async list(tenantId: string, q: { after?: string; limit?: number }): Promise<Record<string, unknown>> {
    const limit = Math.min(Math.max(q.limit ?? DEFAULT_LIST, 1), MAX_LIST);
    const where: Prisma.BatchWhereInput = { tenantId, api: 'openai' };
    if (q.after) {
      const cursor = await this.row(tenantId, q.after);
      where.OR = [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }];
    }
    const rows = await this.db.prisma.batch.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
    const data = rows.slice(0, limit).map(renderBatch);
    return { object: 'list', data, first_id: (data[0]?.['id'] as string | undefined) ?? null, last_id: (data.at(-1)?.['id'] as string | undefined) ?? null, has_more: rows.length > limit };
  }

  /**
   * validating / in_progress → cancelling; the worker stops taking lines, lets those in flight
   * finish, and ends the batch `cancelled` with what was done. Cancelling twice answers the batch.
   */
  async cancel(tenantId: string, batchId: string): Promise<Record<string, unknown>> {
    const row = await this.row(tenantId, batchId);
    if (row.status === 'cancelling' || row.status === 'cancelled') return renderBatch(row);
    const moved = await this.db.prisma.batch.updateMany({ where: { id: row.id, status: { in: ['validating', 'in_progress'] } }, data: { status: 'cancelling', cancellingAt: new Date() } });
    if (!moved.count) throw IrError.invalid(`Cannot cancel a batch with status '${row.status}'.`);
    // The worker running it sees the status; one that is not (a restart) is woken.
    await this.queue.enqueue(row.id);
    return renderBatch(await this.row(tenantId, batchId));
  }

  private async row(tenantId: string, batchId: string): Promise<BatchRow> {
    const row = await this.db.prisma.batch.findFirst({ where: { tenantId, id: batchId, api: 'openai' } });
    if (!row) throw new IrError(ErrorKind.ERROR_KIND_NOT_FOUND, `No such Batch object: ${batchId}`, 'batch_id');
    return row;
  }
}

function metadataOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw IrError.invalid("'metadata' must be an object of strings.", 'metadata');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_METADATA) throw IrError.invalid(`'metadata' holds at most ${MAX_METADATA} pairs.`, 'metadata');
  for (const [k, v] of entries) {
    if (k.length > 64 || typeof v !== 'string' || v.length > 512) throw IrError.invalid("'metadata' keys are at most 64 characters and values strings of at most 512.", 'metadata');
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
