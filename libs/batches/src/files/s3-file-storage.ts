import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Logger } from '@nestjs/common';
import { ErrorKind, IrError } from '@switchyard/ir';
import type { Readable } from 'node:stream';
import type { FileBody, FileStorage } from './file-storage';

/** SWITCHYARD_FILES_S3_*: the bucket and how to reach it (credentials: the SDK's standard chain). */
export interface S3FileStorageOptions {
  bucket: string;
  /** Put before every file id in the object key, verbatim (e.g. `switchyard/files/`). */
  prefix: string;
  /** An S3-compatible server's URL; unset means AWS S3 itself. */
  endpoint?: string;
  /** Unset means the SDK's chain (AWS_REGION, the shared config's profile). */
  region?: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO, Ceph and most S3-compatible servers). */
  forcePathStyle: boolean;
  /** Tests only: fixed keys instead of the chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

// 8 MiB parts, two in flight: an upload holds at most 16 MiB of its body at once, and a 200 MiB
// file (the default limit) takes 25 parts, far below S3's 10,000. S3's smallest part is 5 MiB.
const PART_BYTES = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;
/** A readiness or health round counts a bucket that has not answered HeadBucket by then as down. */
const REACHABLE_WITHIN_MS = 2000;

/**
 * The bytes in an S3-compatible bucket, one object per file (`<prefix><file id>`); the `files`
 * row stays in the database. Uploads go through lib-storage's `Upload`: one PutObject for a body
 * under a part, else a multipart upload streamed part by part (aborted on failure, so no parts are
 * left behind); downloads stream GetObject's body. A bucket that does not answer is a 503 to the
 * client (the cause is logged, never shown: it may name the endpoint or the credentials).
 */
export class S3FileStorage implements FileStorage {
  readonly kind = 's3';
  private readonly log = new Logger(S3FileStorage.name);
  private readonly s3: S3Client;

  constructor(private readonly o: S3FileStorageOptions) {
    this.s3 = new S3Client({
      forcePathStyle: o.forcePathStyle,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.region ? { region: o.region } : {}),
      ...(o.credentials ? { credentials: o.credentials } : {}),
      // A bucket that does not accept connections fails the request in seconds, not at the
      // kernel's TCP timeout; a slow transfer of a big part is not cut (no request timeout).
      requestHandler: { connectionTimeout: 3000 },
      // Checksums only where S3 requires them: the SDK's default (a CRC32 trailer on every upload,
      // since 3.729) is refused by S3-compatible servers that predate it.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Fails at start, naming the setting, when no region can be found (the SDK would fail each call). */
  async assertConfigured(): Promise<void> {
    try {
      await this.s3.config.region();
    } catch {
      throw new Error('SWITCHYARD_FILES_S3_REGION: required with SWITCHYARD_FILES_STORE=s3 when AWS_REGION is not set (any value for a server that ignores it, e.g. us-east-1)');
    }
  }

  async put(fileId: string, body: FileBody, bytes: number): Promise<void> {
    const upload = new Upload({
      client: this.s3,
      params: { Bucket: this.o.bucket, Key: this.key(fileId), Body: body, ContentType: 'application/octet-stream', ...(Buffer.isBuffer(body) ? {} : { ContentLength: bytes }) },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    await upload.done().catch((err: unknown) => this.unavailable('put', fileId, err));
  }

  async open(fileId: string): Promise<Readable | undefined> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: this.key(fileId) }));
      // In Node the body is the response's IncomingMessage (with the SDK's stream helpers mixed in).
      return res.Body as Readable;
    } catch (err) {
      if (err instanceof NoSuchKey) return undefined;
      return this.unavailable('get', fileId, err);
    }
  }

  async delete(fileId: string): Promise<void> {
    // S3 answers 204 for a key that is not there too.
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: this.key(fileId) })).catch((err: unknown) => this.unavailable('delete', fileId, err));
  }

  async reachable(): Promise<boolean> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.o.bucket }), { abortSignal: AbortSignal.timeout(REACHABLE_WITHIN_MS) });
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.s3.destroy();
  }

  private key(fileId: string): string {
    return `${this.o.prefix}${fileId}`;
  }

  private unavailable(op: string, fileId: string, err: unknown): never {
    this.log.error(`${op} ${this.key(fileId)} in bucket ${this.o.bucket} failed: ${(err as Error | undefined)?.message ?? String(err)}`);
    throw new IrError(ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, 'The file store is unavailable at the moment; try again later.');
  }
}
