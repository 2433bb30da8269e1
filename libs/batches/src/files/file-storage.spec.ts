import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { applyMigrations, DATABASE_KINDS } from '@switchyard/db';
import { ErrorKind, IrError } from '@switchyard/ir';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { openTestDatabase, type TestDatabase } from '../../../db/src/test-database.harness';
import { S3_TEST_CREDENTIALS, S3TestServer } from '../../../testing/src/s3/s3-server.harness';
import { DatabaseFileStorage, type FileStorage, readAll } from './file-storage';
import { FileExpirySweep } from './file-expiry';
import { FilesService } from './files.service';
import { S3FileStorage } from './s3-file-storage';

/** The storage contract, the same for every storage. */
function itKeepsBytes(sut: () => FileStorage): void {
  it('gives back exactly the bytes it was given (any bytes, not only UTF-8), and nothing once deleted', async () => {
    const data = Buffer.concat([randomBytes(4096), Buffer.from([0, 255, 0xc3, 0x28])]);

    await sut().put('file-a', data, data.length);

    expect((await readAll((await sut().open('file-a'))!)).equals(data)).toBe(true);
    await sut().delete('file-a');
    expect(await sut().open('file-a')).toBeUndefined();
    await expect(sut().delete('file-a')).resolves.toBeUndefined();
    expect(await sut().reachable()).toBe(true);
  });

  it('stores a body given as a stream', async () => {
    const parts = [randomBytes(1000), randomBytes(3)];

    await sut().put('file-b', Readable.from(parts), 1003);

    expect((await readAll((await sut().open('file-b'))!)).equals(Buffer.concat(parts))).toBe(true);
  });
}

describe.each(DATABASE_KINDS)(`${DatabaseFileStorage.name} on %s`, (kind) => {
  let t: TestDatabase;
  let storage: DatabaseFileStorage;

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'file_storage');
    await applyMigrations(t.db);
    storage = new DatabaseFileStorage(t.db);
  }, 60_000);
  afterAll(() => t.dispose());

  itKeepsBytes(() => storage);
});

describe(`${S3FileStorage.name} on a real S3 server (s3rver)`, () => {
  const server = new S3TestServer('files');
  let storage: S3FileStorage;
  let s3: S3Client;

  beforeAll(async () => {
    await server.start();
    const at = { endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_TEST_CREDENTIALS };
    storage = new S3FileStorage({ bucket: 'files', prefix: 'sy/files/', ...at });
    s3 = new S3Client(at);
  });
  afterAll(async () => {
    storage.close();
    s3.destroy();
    await server.dispose();
  });

  itKeepsBytes(() => storage);

  it('puts each file under the prefix, and a stream larger than a part as a multipart upload', async () => {
    // 8 MiB parts: 20 MiB is three parts.
    const big = randomBytes(20 * 1024 * 1024);
    const chunks = Array.from({ length: 20 }, (_, i) => big.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));

    await storage.put('file-big', Readable.from(chunks), big.length);

    const head = await s3.send(new HeadObjectCommand({ Bucket: 'files', Key: 'sy/files/file-big' }));
    expect(head.ContentLength).toBe(big.length);
    // Completed as a multipart upload (a POST), where a small file is one PutObject.
    expect(server.events.filter((e) => e.key === 'sy/files/file-big').map((e) => e.name)).toEqual(['ObjectCreated:Post']);
    expect(server.events.find((e) => e.key === 'sy/files/file-a')?.name).toBe('ObjectCreated:Put');
    expect((await readAll((await storage.open('file-big'))!)).equals(big)).toBe(true);
  }, 60_000);

  it('answers a bucket that is down with a 503 IrError and an unready probe, and works again when it is back', async () => {
    await storage.put('file-c', Buffer.from('x'), 1);
    await server.stop();
    try {
      expect(await storage.reachable()).toBe(false);
      const refusal = await storage.open('file-c').catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(IrError);
      expect((refusal as IrError).kind).toBe(ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE);
      await expect(storage.put('file-d', Buffer.from('y'), 1)).rejects.toThrow('The file store is unavailable');
      await expect(storage.delete('file-c')).rejects.toThrow(IrError);
    } finally {
      await server.start();
    }
    expect(await storage.reachable()).toBe(true);
    expect((await readAll((await storage.open('file-c'))!)).toString()).toBe('x');
  }, 60_000);
});

describe('a process keeping files in a bucket, with rows stored in the database before it', () => {
  const server = new S3TestServer('files-mixed');
  let t: TestDatabase;
  let bucket: S3FileStorage;

  beforeAll(async () => {
    await server.start();
    t = await openTestDatabase('postgres', 'file_rows');
    await applyMigrations(t.db);
    bucket = new S3FileStorage({ bucket: 'files-mixed', prefix: '', endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_TEST_CREDENTIALS });
  }, 60_000);
  afterAll(async () => {
    bucket.close();
    await t.dispose();
    await server.dispose();
  });

  it('reads each row where its bytes were put, and the expiry sweep deletes them there', async () => {
    const database = new DatabaseFileStorage(t.db);
    const before = await new FilesService(t.db, database).store({ tenantId: 'mix', purpose: 'batch', filename: 'old.jsonl', data: Buffer.from('{"old":1}\n'), expiresAfterSeconds: 3600 });
    const files = new FilesService(t.db, bucket);
    const after = await files.store({ tenantId: 'mix', purpose: 'batch', filename: 'new.jsonl', data: Buffer.from('{"new":1}\n'), expiresAfterSeconds: 3600 });

    expect((await files.content('mix', before.id)).data.toString()).toBe('{"old":1}\n');
    expect((await files.content('mix', after.id)).data.toString()).toBe('{"new":1}\n');

    await t.db.prisma.storedFile.updateMany({ where: { tenantId: 'mix' }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await new FileExpirySweep(t.db, bucket).sweep(new Date())).toBe(2);

    expect(await database.open(before.id)).toBeUndefined();
    expect(await bucket.open(after.id)).toBeUndefined();
  });
});
