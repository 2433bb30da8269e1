import { Logger } from '@nestjs/common';
import { applyMigrations, DATABASE_KINDS } from '@switchyard/db';
import { FinishReason } from '@switchyard/ir';
import type { AdmitRequest, AdmitResponse, AuthPort, ChatRequest, ResponseEvent, RouterPort } from '@switchyard/ir';
import type { BatchQueue } from '@switchyard/queue';
import { openTestDatabase, type TestDatabase } from '../../../db/src/test-database.harness';
import { DatabaseFileStorage } from '../files/file-storage';
import { FilesService } from '../files/files.service';
import { batchLineOperations } from '../lines/batch-line.registry';
import { BatchRunner } from './batch-runner';
import { messageBatchLineHeaders } from './message-batch-headers';
import { MessageBatchesService } from './message-batches.service';

// A Message Batch's create request's vendor headers, from the create to each line's request
// (docs/configuration.md, "Vendor headers"): stored with the batch by the same code on Postgres
// (cluster) and PGlite (standalone), and put on every line by the runner. Auth and the router are
// typed fakes of their ports; the queue is not run (the test runs the batch itself).

class FakeAuth implements AuthPort {
  admit(r: AdmitRequest): Promise<AdmitResponse> {
    return Promise.resolve({
      admitted: true,
      principal: { tenantId: 'acme', keyId: 'k1', models: [], region: '', allowedRegions: [], tenantModels: [], captureContent: false, corsOrigins: [] },
      ticket: { requestId: r.requestId, scopes: ['tenant:acme'], reservedTokens: 1, reservedUsd: 0, atMs: Date.now(), leaseMs: 30_000 },
      maxOutputTokens: 0,
    });
  }
  settle(): Promise<void> {
    return Promise.resolve();
  }
  heartbeat(): Promise<void> {
    return Promise.resolve();
  }
}

/** Records each request it is sent and answers it. */
class RecordingRouter implements Pick<RouterPort, 'route'> {
  readonly sent: ChatRequest[] = [];
  async *route(chat: ChatRequest): AsyncIterable<ResponseEvent> {
    this.sent.push(chat);
    await Promise.resolve();
    yield { event: { $case: 'start', value: { id: 'up-1', model: 'up', providerId: 'sim', deploymentId: 'd1', upstreamModel: 'up', attempts: 1, droppedParams: [], cacheHit: false, attemptLog: [] } } };
    yield { event: { $case: 'textDelta', value: { choice: 0, text: 'ok', signature: '', logprobsJson: '' } } };
    yield { event: { $case: 'stop', value: { choice: 0, reason: FinishReason.FINISH_REASON_STOP, rawReason: '', stopSequence: '' } } };
  }
}

const noQueue: BatchQueue = { enqueue: () => Promise.resolve(), consume: () => undefined, close: () => Promise.resolve() };
const who = { tenantId: 'acme', keyId: 'k1', keyHash: 'h', clientIp: '' };
const request = (customId: string) => ({ custom_id: customId, params: { model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: customId }] } });

describe.each(DATABASE_KINDS)(`${MessageBatchesService.name} on %s`, (kind) => {
  let t: TestDatabase;
  let sut: MessageBatchesService;

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'message_batches');
    await applyMigrations(t.db);
    sut = new MessageBatchesService(t.db, noQueue);
  }, 60_000);
  afterAll(() => t.dispose());

  async function run(batchId: string): Promise<ChatRequest[]> {
    const router = new RecordingRouter();
    const runner = new BatchRunner(t.db, new FilesService(t.db, new DatabaseFileStorage(t.db)), { publish: () => undefined }, batchLineOperations(new FakeAuth(), router as unknown as RouterPort), { lineConcurrency: 2, region: 'eu' });
    await runner.run(batchId);
    return router.sent;
  }

  it("stores the create request's betas with the batch, and each line's request carries them as a live request would", async () => {
    const headers = messageBatchLineHeaders({ 'anthropic-beta': 'output-128k-2025-02-19,message-batches-2024-09-24', 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-test' });

    const created = await sut.create(who, { requests: [request('a'), request('b')] }, 'http://gw', headers);

    const id = created['id'] as string;
    expect((await t.db.prisma.batch.findUniqueOrThrow({ where: { id } })).vendorHeaders).toEqual([
      { name: 'anthropic-beta', value: 'output-128k-2025-02-19' },
      { name: 'anthropic-version', value: '2023-06-01' },
    ]);
    const sent = await run(id);
    expect(sent.map((c) => c.vendorHeaders)).toEqual([
      { headers: [{ name: 'anthropic-beta', value: 'output-128k-2025-02-19' }, { name: 'anthropic-version', value: '2023-06-01' }] },
      { headers: [{ name: 'anthropic-beta', value: 'output-128k-2025-02-19' }, { name: 'anthropic-version', value: '2023-06-01' }] },
    ]);
  });

  it('logs its end with its request counts, and no error file, which Message Batches do not write', async () => {
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const bad = { custom_id: 'bad', params: { model: 'claude', max_tokens: 8, messages: 'not a list' } };
    const id = (await sut.create(who, { requests: [request('d'), bad, request('e')] }, 'http://gw', []))['id'] as string;

    await run(id);

    const lines = logged.mock.calls.map(([message]) => String(message)).filter((m) => m.includes(id));
    logged.mockRestore();
    expect(lines).toEqual([`message batch ${id} ended (completed): 2 succeeded, 1 errored, 0 canceled, 0 expired`]);
  });

  it("answers each line's Message with an id of Anthropic's form (msg_ and letters, digits, '_'), one per line", async () => {
    const id = (await sut.create(who, { requests: [request('f'), request('g')] }, 'http://gw', []))['id'] as string;

    await run(id);

    const results = (await sut.results('acme', id)).trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string; result: { message: { id: string } } });
    const ids = results.map((r) => r.result.message.id);
    expect(ids).toEqual([`msg_${id}_1`, `msg_${id}_2`]);
    for (const m of ids) expect(m).toMatch(/^msg_[A-Za-z0-9_]+$/);
  });

  it('stores none when the create request named none, and its lines carry none', async () => {
    const created = await sut.create(who, { requests: [request('c')] }, 'http://gw', []);

    const id = created['id'] as string;
    expect((await t.db.prisma.batch.findUniqueOrThrow({ where: { id } })).vendorHeaders).toBeNull();
    expect((await run(id)).map((c) => c.vendorHeaders)).toEqual([undefined]);
  });
});
