import type { Database, Prisma } from '@switchyard/db';
import { ErrorKind, IrError } from '@switchyard/ir';
import { newFileId } from '../object-ids';
import type { Readable } from 'node:stream';
import { type FileStorage, readAll, storageForRows } from './file-storage';
import { BATCH_UPLOAD_EXPIRES_SECONDS, expiryAt } from './file-expiry';
import { type FileObject, type StoredFileRow, renderFile } from './file-object';

/** Purposes a tenant may upload: the batch input. (`batch_output` files are written by batches.) */
export const UPLOAD_PURPOSES = ['batch'] as const;
/** OpenAI's list page size for files: 1–10,000, default 10,000. */
const MAX_LIST = 10_000;

export interface NewFile {
  tenantId: string;
  filename: string;
  purpose: string;
  data: Buffer;
  /** Seconds from creation to expiry (`expires_after`); absent: never, or a batch upload's default. */
  expiresAfterSeconds?: number;
}

export interface FileListQuery {
  after?: string;
  limit?: number;
  order?: 'asc' | 'desc';
  purpose?: string;
}

export interface FileList {
  object: 'list';
  data: FileObject[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/**
 * OpenAI Files, per tenant (docs/architecture.md, "Files and batches"): metadata in `files`,
 * bytes in the storage port. Every look-up is by tenant and id, so another tenant's id is
 * answered as unknown (404), never as forbidden.
 */
export class FilesService {
  /** Rows stored in the database before a bucket was configured are still read from there. */
  private readonly storageOf: (row: StoredFileRow) => FileStorage;

  constructor(
    private readonly db: Database,
    private readonly storage: FileStorage,
  ) {
    this.storageOf = storageForRows(db, storage);
  }

  /** A tenant's upload; the caller has checked the size limit and the purpose. */
  async upload(file: NewFile): Promise<FileObject> {
    if (!(UPLOAD_PURPOSES as readonly string[]).includes(file.purpose)) {
      throw IrError.invalid(`'${file.purpose}' is not a purpose this gateway stores files for; supported: ${UPLOAD_PURPOSES.join(', ')}.`, 'purpose');
    }
    // OpenAI: "The Batch API only supports .jsonl files".
    if (file.purpose === 'batch' && !file.filename.toLowerCase().endsWith('.jsonl')) {
      throw IrError.invalid('Invalid file format for Batch API. Must be .jsonl', 'file');
    }
    return renderFile(await this.store({ ...file, expiresAfterSeconds: file.expiresAfterSeconds ?? (file.purpose === 'batch' ? BATCH_UPLOAD_EXPIRES_SECONDS : undefined) }));
  }

  /** Stores bytes under a new id (uploads, and the output and error files batches write). */
  async store(file: NewFile): Promise<StoredFileRow> {
    const id = newFileId();
    // Bytes first: a crash in between leaves an orphan blob, never a row without its bytes.
    await this.storage.put(id, file.data, file.data.length);
    const createdAt = new Date();
    return this.db.prisma.storedFile.create({
      data: { id, tenantId: file.tenantId, purpose: file.purpose, filename: file.filename, bytes: file.data.length, storage: this.storage.kind, createdAt, expiresAt: expiryAt(createdAt, file.expiresAfterSeconds) },
    });
  }

  async retrieve(tenantId: string, fileId: string): Promise<FileObject> {
    return renderFile(await this.row(tenantId, fileId));
  }

  async list(tenantId: string, q: FileListQuery): Promise<FileList> {
    const limit = Math.min(Math.max(q.limit ?? MAX_LIST, 1), MAX_LIST);
    const order = q.order ?? 'desc';
    const where: Prisma.StoredFileWhereInput = { tenantId, ...(q.purpose ? { purpose: q.purpose } : {}), AND: [unexpired(new Date())] };
    if (q.after) {
      const cursor = await this.db.prisma.storedFile.findFirst({ where: { tenantId, id: q.after, ...unexpired(new Date()) } });
      if (!cursor) throw new IrError(ErrorKind.ERROR_KIND_NOT_FOUND, `No such File object: ${q.after}`, 'after');
      // Past the cursor in the page's order: (created_at, id) strictly after it.
      where.OR =
        order === 'desc'
          ? [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }]
          : [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }];
    }
    const rows = await this.db.prisma.storedFile.findMany({ where, orderBy: [{ createdAt: order }, { id: order }], take: limit + 1 });
    const page = rows.slice(0, limit).map(renderFile);
    return { object: 'list', data: page, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null, has_more: rows.length > limit };
  }

  async delete(tenantId: string, fileId: string): Promise<{ id: string; object: 'file'; deleted: true }> {
    const row = await this.row(tenantId, fileId);
    // Bytes first: a storage that does not answer fails the delete with nothing changed (the
    // client retries); a failure in between leaves a row whose content is gone, deleted again later.
    await this.storageOf(row).delete(row.id);
    await this.db.prisma.storedFile.delete({ where: { id: row.id } });
    return { id: row.id, object: 'file', deleted: true };
  }

  /** The bytes of a tenant's file as a stream (GET /v1/files/{id}/content), with its row. */
  async open(tenantId: string, fileId: string): Promise<{ file: StoredFileRow; stream: Readable }> {
    const file = await this.row(tenantId, fileId);
    const stream = await this.storageOf(file).open(file.id);
    if (!stream) throw new IrError(ErrorKind.ERROR_KIND_INTERNAL, `The content of ${fileId} is missing from storage.`);
    return { file, stream };
  }

  /** The whole bytes of a tenant's file (a batch's input, bounded by the upload limit), with its row. */
  async content(tenantId: string, fileId: string): Promise<{ file: StoredFileRow; data: Buffer }> {
    const { file, stream } = await this.open(tenantId, fileId);
    return { file, data: await readAll(stream) };
  }

  /** A tenant's file that has not expired: an expired one is gone for the client, swept or not. */
  private async row(tenantId: string, fileId: string): Promise<StoredFileRow> {
    const row = await this.db.prisma.storedFile.findFirst({ where: { tenantId, id: fileId, ...unexpired(new Date()) } });
    if (!row) throw new IrError(ErrorKind.ERROR_KIND_NOT_FOUND, `No such File object: ${fileId}`, 'file_id');
    return row;
  }
}

/** Rows that have not expired at `now` (no expiry, or one still ahead). */
export function unexpired(now: Date): Prisma.StoredFileWhereInput {
  return { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
}
