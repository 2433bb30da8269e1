import { ErrorKind, IrError } from '@switchyard/ir';
import type { BatchQueue } from '@switchyard/queue';
import { applyMigrations } from '@switchyard/db';
import { openTestDatabase, type TestDatabase } from '../../../db/src/test-database.harness';
import { DatabaseFileStorage } from '../files/file-storage';
import { FilesService } from '../files/files.service';
import { BatchesService, type Submitter } from './batches.service';

const ACME: Submitter = { tenantId: 'acme', keyId: 'k1', keyHash: 'h1', clientIp: '10.0.0.1' };

describe(BatchesService.name, () => {
  let t: TestDatabase;
  let files: FilesService;
  const queued: string[] = [];
  const queue: BatchQueue = { enqueue: (id) => Promise.resolve(void queued.push(id)), consume: () => undefined, close: () => Promise.resolve() };
  let sut: BatchesService;
  let inputId = '';

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'batches_service');
    await applyMigrations(t.db);
    files = new FilesService(t.db, new DatabaseFileStorage(t.db));
    sut = new BatchesService(t.db, queue, new Set(['/v1/chat/completions', '/v1/embeddings']));
    inputId = (await files.upload({ tenantId: 'acme', filename: 'in.jsonl', purpose: 'batch', data: Buffer.from('{}\n') })).id;
  });
  afterAll(() => t.dispose());

  const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as IrError);

  it('stores a valid request as validating, with the submitter, and queues it', async () => {
    const batch = await sut.create(ACME, { input_file_id: inputId, endpoint: '/v1/embeddings', completion_window: '24h', metadata: { a: 'b' } });

    expect(batch).toMatchObject({ object: 'batch', status: 'validating', endpoint: '/v1/embeddings', metadata: { a: 'b' }, request_counts: { total: 0, completed: 0, failed: 0 } });
    expect((batch['expires_at'] as number) - (batch['created_at'] as number)).toBe(24 * 3600);
    expect(queued).toContain(batch['id']);
    expect(await t.db.prisma.batch.findUniqueOrThrow({ where: { id: batch['id'] as string } })).toMatchObject({ keyId: 'k1', keyHash: 'h1', clientIp: '10.0.0.1' });
  });

  it('refuses what OpenAI refuses, naming the parameter', async () => {
    const good = { input_file_id: inputId, endpoint: '/v1/chat/completions', completion_window: '24h' };
    expect(await refusal(sut.create(ACME, { ...good, endpoint: '/v1/completions' }))).toMatchObject({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, param: 'endpoint' });
    expect(await refusal(sut.create(ACME, { ...good, completion_window: '1h' }))).toMatchObject({ param: 'completion_window' });
    expect(await refusal(sut.create(ACME, { ...good, metadata: { n: 1 } }))).toMatchObject({ param: 'metadata' });
    expect(await refusal(sut.create(ACME, { ...good, input_file_id: undefined }))).toMatchObject({ param: 'input_file_id' });
    // Another tenant's file is unknown, not forbidden.
    expect(await refusal(sut.create({ ...ACME, tenantId: 'other' }, good))).toMatchObject({ kind: ErrorKind.ERROR_KIND_NOT_FOUND });
    expect(await refusal(sut.create(ACME, { ...good, output_expires_after: { anchor: 'created_at', seconds: 60 } }))).toMatchObject({ param: 'output_expires_after.seconds' });
  });

  it('keeps output_expires_after for the files the batch writes, and refuses an expired input file as unknown', async () => {
    const batch = await sut.create(ACME, { input_file_id: inputId, endpoint: '/v1/chat/completions', completion_window: '24h', output_expires_after: { anchor: 'created_at', seconds: 7200 } });
    expect(await t.db.prisma.batch.findUniqueOrThrow({ where: { id: batch['id'] as string } })).toMatchObject({ outputExpiresSeconds: 7200 });

    const expired = await files.upload({ tenantId: 'acme', filename: 'old.jsonl', purpose: 'batch', data: Buffer.from('{}\n'), expiresAfterSeconds: 3600 });
    await t.db.prisma.storedFile.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await refusal(sut.create(ACME, { input_file_id: expired.id, endpoint: '/v1/chat/completions', completion_window: '24h' }))).toMatchObject({ kind: ErrorKind.ERROR_KIND_NOT_FOUND, param: 'input_file_id' });
  });

  it('cancels validating and in-progress batches only, and answers a second cancel with the batch', async () => {
    const batch = await sut.create(ACME, { input_file_id: inputId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const id = batch['id'] as string;

    expect(await sut.cancel('acme', id)).toMatchObject({ status: 'cancelling' });
    expect(await sut.cancel('acme', id)).toMatchObject({ status: 'cancelling' });
    await t.db.prisma.batch.update({ where: { id }, data: { status: 'completed' } });
    expect(await refusal(sut.cancel('acme', id))).toBeInstanceOf(IrError);
    expect(await refusal(sut.retrieve('other', id))).toMatchObject({ kind: ErrorKind.ERROR_KIND_NOT_FOUND });
  });

  it('lists newest first and pages with after', async () => {
    for (let i = 0; i < 3; i++) await sut.create(ACME, { input_file_id: inputId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const first = (await sut.list('acme', { limit: 2 })) as { data: { id: string; created_at: number }[]; has_more: boolean; last_id: string };
    const rest = (await sut.list('acme', { after: first.last_id, limit: 100 })) as { data: { id: string }[]; has_more: boolean };
    const all = [...first.data, ...rest.data].map((b) => b.id);

    expect(first.has_more).toBe(true);
    expect(rest.has_more).toBe(false);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(await t.db.prisma.batch.count({ where: { tenantId: 'acme' } }));
  });
});
