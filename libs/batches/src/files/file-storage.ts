import type { Database } from '@switchyard/db';
import { ErrorKind, IrError } from '@switchyard/ir';
import { Readable } from 'node:stream';

/** What a file's bytes are handed to a storage as: whole, or as a stream of a known length. */
export type FileBody = Buffer | Readable;

/**
 * Where a file's bytes live (docs/architecture.md, "Files and batches"). Metadata is always a
 * `files` row; the bytes go to one storage, named on the row (`storage`), so a row keeps pointing
 * at where its bytes were put when the configured storage changes.
 */
export interface FileStorage {
  /** The name stored on each file row: "db" or "s3". */
  readonly kind: string;
  /** Stores `bytes` bytes read from `body` under the id. */
  put(fileId: string, body: FileBody, bytes: number): Promise<void>;
  /** The bytes as a stream; undefined when nothing is stored under the id. */
  open(fileId: string): Promise<Readable | undefined>;
  /** Deleting what is not there is no error. */
  delete(fileId: string): Promise<void>;
  /** For readiness and health: false while the storage does not answer. Never throws. */
  reachable(): Promise<boolean>;
}

/** Reads a whole stream (a file this process already accepted, so bounded by the upload limit). */
export async function readAll(body: FileBody): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * The bytes in the database (`file_blobs`, bytea): nothing to run beside the gateway. On PGlite
 * the bytes cross the worker-thread adapter as base64 text, decoded by the database: a bytea
 * parameter through that adapter fails ("Invalid input for bytea type", found by the standalone
 * end-to-end test). A bytea value is read and written whole, so streams are gathered first.
 */
export class DatabaseFileStorage implements FileStorage {
  readonly kind = 'db';

  constructor(private readonly db: Database) {}

  async put(fileId: string, body: FileBody): Promise<void> {
    const data = await readAll(body);
    if (this.db.kind === 'pglite') {
      await this.db.prisma.$executeRaw`INSERT INTO file_blobs (file_id, data) VALUES (${fileId}, decode(${data.toString('base64')}, 'base64'))`;
      return;
    }
    await this.db.prisma.fileBlob.create({ data: { fileId, data: new Uint8Array(data) } });
  }

  async open(fileId: string): Promise<Readable | undefined> {
    const data = await this.get(fileId);
    return data && Readable.from([data]);
  }

  async delete(fileId: string): Promise<void> {
    await this.db.prisma.fileBlob.deleteMany({ where: { fileId } });
  }

  reachable(): Promise<boolean> {
    return this.db.ping().catch(() => false);
  }

  private async get(fileId: string): Promise<Buffer | undefined> {
    if (this.db.kind === 'pglite') {
      // encode() wraps its output every 76 characters; Node's base64 decoder skips the newlines.
      const rows = await this.db.prisma.$queryRaw<{ data: string }[]>`SELECT encode(data, 'base64') AS data FROM file_blobs WHERE file_id = ${fileId}`;
      return rows[0] ? Buffer.from(rows[0].data, 'base64') : undefined;
    }
    const row = await this.db.prisma.fileBlob.findUnique({ where: { fileId } });
    return row ? Buffer.from(row.data) : undefined;
  }
}

/**
 * The storage a row's bytes are in: the configured one, or the database for rows stored there
 * before a bucket was configured. Reads, deletes and the expiry sweep all choose by the row.
 */
export function storageForRows(db: Database, configured: FileStorage): (row: { id: string; storage: string }) => FileStorage {
  const database = configured.kind === 'db' ? configured : new DatabaseFileStorage(db);
  return (row) => {
    if (row.storage === configured.kind) return configured;
    if (row.storage === 'db') return database;
    throw new IrError(ErrorKind.ERROR_KIND_INTERNAL, `The content of ${row.id} is in the '${row.storage}' file store, which this process is not configured for (SWITCHYARD_FILES_STORE).`);
  };
}
