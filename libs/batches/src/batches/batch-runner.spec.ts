import { Logger } from '@nestjs/common';
import { ErrorKind, FinishReason } from '@switchyard/ir';
import type { AdmitRequest, AdmitResponse, AuthPort, ChatRequest, ErrorEvent, ResponseEvent, RouterPort, SettleRequest, UsageEvent } from '@switchyard/ir';
import { applyMigrations } from '@switchyard/db';
import { openTestDatabase, type TestDatabase } from '../../../db/src/test-database.harness';
import { DatabaseFileStorage } from '../files/file-storage';
import { FilesService } from '../files/files.service';
import { batchLineOperations } from '../lines/batch-line.registry';
import { renderBatch } from './batch-object';
import { BatchRunner } from './batch-runner';

// The runner against a real Postgres (lines, counts, files, resume); auth and the router are
// typed fakes of their ports, since what is under test is what the runner does with their answers.

const TENANT = 'acme';
const RATE_LIMITED: ErrorEvent = { kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'slow down', retryable: true, providerStatus: 0, retryAfterMs: 20, param: '', attemptLog: [] };

class FakeAuth implements AuthPort {
  readonly admitted: AdmitRequest[] = [];
  readonly settled: SettleRequest[] = [];
  /** The next admissions are refused with these, in order. */
  refusals: ErrorEvent[] = [];

  admit(r: AdmitRequest): Promise<AdmitResponse> {
    this.admitted.push(r);
    const refusal = this.refusals.shift();
    if (refusal) return Promise.resolve({ admitted: false, error: refusal, maxOutputTokens: 0 });
    return Promise.resolve({
      admitted: true,
      principal: { tenantId: TENANT, keyId: 'k1', models: [], region: '', allowedRegions: [], tenantModels: [], captureContent: false, corsOrigins: [] },
      ticket: { requestId: r.requestId, scopes: ['tenant:acme'], reservedTokens: 1, reservedUsd: 0, atMs: Date.now(), leaseMs: 30_000 },
      maxOutputTokens: 0,
    });
  }
  settle(r: SettleRequest): Promise<void> {
    this.settled.push(r);
    return Promise.resolve();
  }
  heartbeat(): Promise<void> {
    return Promise.resolve();
  }
}

/** Answers each chat with the text of its last message, upper-cased; records what it was sent. */
class FakeRouter implements Pick<RouterPort, 'route'> {
  readonly sent: string[] = [];
  async *route(chat: ChatRequest): AsyncIterable<ResponseEvent> {
    const part = chat.messages.at(-1)?.content[0]?.part;
    const text = part?.$case === 'text' ? part.value.text : '';
    this.sent.push(text);
    await Promise.resolve();
    yield { event: { $case: 'start', value: { id: 'up-1', model: 'up', providerId: 'sim', deploymentId: 'd1', upstreamModel: 'up', attempts: 1, droppedParams: [], cacheHit: false, attemptLog: [] } } };
    yield { event: { $case: 'textDelta', value: { choice: 0, text: text.toUpperCase(), signature: '', logprobsJson: '' } } };
    yield { event: { $case: 'usage', value: { inputTokens: 10, outputTokens: 2, cachedInputTokens: 4, reasoningTokens: 1, cacheCreationInputTokens: 0 } } };
    yield { event: { $case: 'stop', value: { choice: 0, reason: FinishReason.FINISH_REASON_STOP, rawReason: '', stopSequence: '' } } };
  }
}

const chatLine = (id: string, text: string) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt', messages: [{ role: 'user', content: text }] } });

describe(BatchRunner.name, () => {
  let t: TestDatabase;
  let files: FilesService;

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'batch_runner');
    await applyMigrations(t.db);
    files = new FilesService(t.db, new DatabaseFileStorage(t.db));
  });
  afterAll(() => t.dispose());

  function setUp() {
    const auth = new FakeAuth();
    const router = new FakeRouter();
    const published: UsageEvent[] = [];
    const ops = batchLineOperations(auth, router as unknown as RouterPort);
    const sut = new BatchRunner(t.db, files, { publish: (e) => published.push(e) }, ops, { lineConcurrency: 2, region: 'eu' });
    return { auth, router, published, sut };
  }

  async function batchOf(content: string, extra: { expiresAt?: Date; outputExpiresSeconds?: number } = {}): Promise<string> {
    const input = await files.store({ tenantId: TENANT, purpose: 'batch', filename: 'in.jsonl', data: Buffer.from(content) });
    const id = `batch_test${Math.random().toString(36).slice(2, 12)}`;
    await t.db.prisma.batch.create({
      data: { id, tenantId: TENANT, keyId: 'k1', keyHash: 'h', endpoint: '/v1/chat/completions', inputFileId: input.id, completionWindow: '24h', status: 'validating', expiresAt: new Date(Date.now() + 3600_000), ...extra },
    });
    return id;
  }

  const fileLines = async (fileId: string | null) => (fileId ? (await files.content(TENANT, fileId)).data.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : []);

  it('runs every line through the router, writes the output and error files in line order, and records each line once at the batch rate', async () => {
    const { router, published, sut } = setUp();
    const id = await batchOf([chatLine('a', 'one'), chatLine('b', 'two'), JSON.stringify({ custom_id: 'c', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt', messages: 'nope' } })].join('\n'));

    await sut.run(id);

    const batch = await t.db.prisma.batch.findUniqueOrThrow({ where: { id } });
    expect(batch).toMatchObject({ status: 'completed', total: 3, completed: 2, failed: 1, model: 'gpt' });
    expect(router.sent.sort()).toEqual(['one', 'two']);
    const out = await fileLines(batch.outputFileId);
    expect(out.map((l) => [l['custom_id'], (l['response'] as { status_code: number }).status_code])).toEqual([
      ['a', 200],
      ['b', 200],
    ]);
    expect((out[0]?.['response'] as { body: { choices: { message: { content: string } }[] } }).body.choices[0]?.message.content).toBe('ONE');
    const err = await fileLines(batch.errorFileId);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatchObject({ custom_id: 'c', error: null, response: { status_code: 400, request_id: `${id}:3` } });
    // The refused line is published too, for its audit row only (nothing to bill).
    expect(published.map((e) => [e.requestId, e.batch, e.usage?.inputTokens, e.audit?.auditOnly]).sort()).toEqual([
      [`${id}:1`, true, 10, false],
      [`${id}:2`, true, 10, false],
      [`${id}:3`, true, undefined, true],
    ]);
    // The batch's usage is the sum of its answered lines' (the refused line used nothing).
    expect(renderBatch(batch).usage).toEqual({ input_tokens: 20, input_tokens_details: { cached_tokens: 8 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 24 });
  });

  it("logs an OpenAI batch's end with what went to its output and error files", async () => {
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const { sut } = setUp();
    const id = await batchOf([chatLine('a', 'one'), JSON.stringify({ custom_id: 'b', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt', messages: 'nope' } })].join('\n'));

    await sut.run(id);

    const lines = logged.mock.calls.map(([message]) => String(message)).filter((m) => m.includes(id));
    logged.mockRestore();
    expect(lines).toEqual([`batch ${id} completed: 1 answered, 1 in the error file`]);
  });

  it("writes the output and error files with the batch's output_expires_after, anchored at their creation", async () => {
    const { sut } = setUp();
    const id = await batchOf([chatLine('a', 'one'), JSON.stringify({ custom_id: 'b', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt', messages: 'nope' } })].join('\n'), { outputExpiresSeconds: 7200 });

    await sut.run(id);

    const batch = await t.db.prisma.batch.findUniqueOrThrow({ where: { id } });
    const written = await t.db.prisma.storedFile.findMany({ where: { id: { in: [batch.outputFileId ?? '', batch.errorFileId ?? ''] } } });
    expect(written).toHaveLength(2);
    for (const f of written) expect(f.expiresAt?.getTime()).toBe(f.createdAt.getTime() + 7200_000);
  });

  it('fails a batch whose input has bad lines, listing each, and sends nothing', async () => {
    const { router, sut } = setUp();
    const id = await batchOf([chatLine('a', 'one'), '{bad', chatLine('a', 'again')].join('\n'));

    await sut.run(id);

    const batch = await t.db.prisma.batch.findUniqueOrThrow({ where: { id } });
    expect(batch.status).toBe('failed');
    expect(batch.failedAt).not.toBeNull();
    expect((batch.errors as { code: string; line: number }[]).map((e) => [e.code, e.line])).toEqual([
      ['invalid_json_line', 2],
      ['duplicate_custom_id', 3],
    ]);
    expect(router.sent).toEqual([]);
  });

  it('resumes: lines finished by an earlier run are not sent again, and their usage is published again for the ledger to keep once', async () => {
    const first = setUp();
    const id = await batchOf([chatLine('a', 'one'), chatLine('b', 'two'), chatLine('c', 'three')].join('\n'));
    // As a killed worker leaves it: validated, line 1 finished, lines 2 and 3 pending.
    const { sut } = first;
    const runLines = jest.spyOn(sut as unknown as { runLines: () => Promise<undefined> }, 'runLines').mockResolvedValueOnce(undefined);
    const finish = jest.spyOn(sut as unknown as { finish: () => Promise<void> }, 'finish').mockResolvedValueOnce(undefined);
    await sut.run(id);
    runLines.mockRestore();
    finish.mockRestore();
    const line1Usage = { requestId: `${id}:1`, batch: true };
    await t.db.prisma.batchLine.update({ where: { batchId_line: { batchId: id, line: 1 } }, data: { state: 'done', result: { custom_id: 'a', response: { status_code: 200 } }, usage: line1Usage } });
    await t.db.prisma.batch.update({ where: { id }, data: { completed: 1 } });

    const second = setUp();
    await second.sut.run(id);

    expect(second.router.sent.sort()).toEqual(['three', 'two']);
    const batch = await t.db.prisma.batch.findUniqueOrThrow({ where: { id } });
    expect(batch).toMatchObject({ status: 'completed', completed: 3, failed: 0 });
    expect((await fileLines(batch.outputFileId)).map((l) => l['custom_id'])).toEqual(['a', 'b', 'c']);
    // Only the lines this run finished are added to the sums: line 1's were added when it finished.
    expect(batch).toMatchObject({ inputTokens: 20n, cachedInputTokens: 8n, outputTokens: 4n, reasoningTokens: 2n });
    expect(second.published.map((e) => e.requestId).sort()).toEqual([`${id}:1`, `${id}:2`, `${id}:3`]);
  });

  it('backs off on a 429 from admission and runs the line again instead of failing it', async () => {
    const { auth, router, sut } = setUp();
    auth.refusals = [RATE_LIMITED, RATE_LIMITED];
    const id = await batchOf(chatLine('a', 'one'));

    await sut.run(id);

    expect(await t.db.prisma.batch.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'completed', completed: 1, failed: 0 });
    expect(auth.admitted.map((a) => a.requestId)).toEqual([`${id}:1`, `${id}:1`, `${id}:1`]);
    expect(router.sent).toEqual(['one']);
    expect(auth.settled).toHaveLength(1);
  });

  it('ends a cancelling batch cancelled, the unsent lines in the error file', async () => {
    const { router, sut } = setUp();
    const id = await batchOf([chatLine('a', 'one'), chatLine('b', 'two')].join('\n'));
    await t.db.prisma.batch.update({ where: { id }, data: { status: 'cancelling', cancellingAt: new Date() } });
    // Validation runs only from `validating`: put the lines in as a cancelled-after-validation batch has them.
    await t.db.prisma.batchLine.createMany({ data: [1, 2].map((line) => ({ batchId: id, line, customId: line === 1 ? 'a' : 'b', body: {} })) });

    await sut.run(id);

    const batch = await t.db.prisma.batch.findUniqueOrThrow({ where: { id } });
    expect(batch.status).toBe('cancelled');
    expect(batch.cancelledAt).not.toBeNull();
    expect(router.sent).toEqual([]);
    expect((await fileLines(batch.errorFileId)).map((l) => [l['custom_id'], (l['error'] as { code: string }).code])).toEqual([
      ['a', 'batch_cancelled'],
      ['b', 'batch_cancelled'],
    ]);
    expect(batch.outputFileId).toBeNull();
  });

  it('ends a batch past its completion window expired, without sending its lines', async () => {
    const { router, sut } = setUp();
    const id = await batchOf(chatLine('a', 'one'), { expiresAt: new Date(Date.now() - 1000) });

    await sut.run(id);

    const batch = await t.db.prisma.batch.findUniqueOrThrow({ where: { id } });
    expect(batch.status).toBe('expired');
    expect(router.sent).toEqual([]);
    expect((await fileLines(batch.errorFileId))[0]).toMatchObject({ custom_id: 'a', response: null, error: { code: 'batch_expired' } });
  });
});
