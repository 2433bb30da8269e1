import type { Database } from '@switchyard/db';

/**
 * Where a file's bytes live (docs/architecture.md, "Files and batches"). Metadata is always a
 * `files` row; the bytes go to one storage, named on the row (`storage`), so a bucket can be
 * added beside the database without moving what is stored.
 */
export interface FileStorage {
  /** The name stored on each file row ("db"; an S3-compatible bucket would be "s3"). */
  readonly kind: string;
  put(fileId: string, data: Buffer): Promise<void>;
  /** undefined when nothing is stored under the id. */
  get(fileId: string): Promise<Buffer | undefined>;
  /** Deleting what is not there is no error. */
  delete(fileId: string): Promise<void>;
}

/**
 * The bytes in the database (`file_blobs`, bytea): nothing to run beside the gateway. On PGlite
 * the bytes cross the worker-thread adapter as base64 text, decoded by the database: a bytea
 * parameter through that adapter fails ("Invalid input for bytea type", found by the standalone
 * end-to-end test).
 */
export class DatabaseFileStorage implements FileStorage {
  readonly kind = 'db';

  constructor(private readonly db: Database) {}

  async put(fileId: string, data: Buffer): Promise<void> {
    if (this.db.kind === 'pglite') {
      await this.db.prisma.$executeRaw`INSERT INTO file_blobs (file_id, data) VALUES (${fileId}, decode(${data.toString('base64')}, 'base64'))`;
      return;
    }
    await this.db.prisma.fileBlob.create({ data: { fileId, data: new Uint8Array(data) } });
  }

  async get(fileId: string): Promise<Buffer | undefined> {
    if (this.db.kind === 'pglite') {
      // encode() wraps its output every 76 characters; Node's base64 decoder skips the newlines.
      const rows = await this.db.prisma.$queryRaw<{ data: string }[]>`SELECT encode(data, 'base64') AS data FROM file_blobs WHERE file_id = ${fileId}`;
      return rows[0] ? Buffer.from(rows[0].data, 'base64') : undefined;
    }
    const row = await this.db.prisma.fileBlob.findUnique({ where: { fileId } });
    return row ? Buffer.from(row.data) : undefined;
  }

  async delete(fileId: string): Promise<void> {
    await this.db.prisma.fileBlob.deleteMany({ where: { fileId } });
  }
}
