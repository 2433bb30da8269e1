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

/** The bytes in the database (`file_blobs`, bytea): nothing to run beside the gateway. */
export class DatabaseFileStorage implements FileStorage {
  readonly kind = 'db';

  constructor(private readonly db: Database) {}

  async put(fileId: string, data: Buffer): Promise<void> {
    await this.db.prisma.fileBlob.create({ data: { fileId, data: new Uint8Array(data) } });
  }

  async get(fileId: string): Promise<Buffer | undefined> {
    const row = await this.db.prisma.fileBlob.findUnique({ where: { fileId } });
    return row ? Buffer.from(row.data) : undefined;
  }

  async delete(fileId: string): Promise<void> {
    await this.db.prisma.fileBlob.deleteMany({ where: { fileId } });
  }
}
