import type { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** s3rver's fixed credentials (it checks signatures made with them). */
export const S3_TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * A real S3-protocol server for tests: s3rver (npm), in this process, on its own port, objects in
 * a fresh folder. It speaks the S3 REST API over HTTP with SigV4 — PutObject, multipart uploads,
 * GetObject, DeleteObject, HeadBucket — so the AWS SDK runs against it unchanged. `stop` and
 * `start` again on the same port model a bucket that goes away and comes back.
 */
export class S3TestServer {
  private server?: S3rver;
  /**
   * What s3rver reported, as S3 event notifications name it: `ObjectCreated:Put` (PutObject),
   * `ObjectCreated:Post` (a completed multipart upload), `ObjectRemoved:Delete`.
   */
  readonly events: { name: string; key: string }[] = [];
  readonly directory = mkdtempSync(join(tmpdir(), 'sy-s3-'));
  port = 0;

  constructor(readonly bucket: string) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new S3rver({ address: '127.0.0.1', port: this.port, silent: true, directory: this.directory, configureBuckets: [{ name: this.bucket, configs: [] }] });
    // s3rver is a Koa application (an EventEmitter), which its type declarations leave out.
    (server as unknown as EventEmitter).on('event', (e: { Records: { eventName: string; s3: { object: { key: string } } }[] }) => {
      for (const r of e.Records) this.events.push({ name: r.eventName, key: r.s3.object.key });
    });
    const address = await server.run();
    this.port = address.port;
    this.server = server;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.directory, { recursive: true, force: true });
  }
}
