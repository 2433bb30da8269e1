import { HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import OpenAI, { toFile } from 'openai';
import { S3_TEST_CREDENTIALS, S3TestServer } from '../../libs/testing/src/s3/s3-server.harness';
import { eventually, waitForReady } from './support/process-harness';
import { StandaloneOnPostgres } from './support/standalone-on-postgres';

// Files in an S3-compatible bucket (issue 17): standalone on a real Postgres with
// SWITCHYARD_FILES_STORE=s3, the bucket on s3rver — a real S3-protocol server (npm), started here
// on its own port — the official openai SDK as the client and the simulator as the upstream.
// Batches run on the in-process queue (no Redis: what is tested here is where the bytes go).

const KEY = 'sk-test-files-s3-0123456789abcdef0123456789';
const BUCKET = 'gateway-files';
const PREFIX = 'e2e/files/';
const MAX_BYTES = 12 * 1024 * 1024;

/** The suite's switchyard.yaml, given the simulator's URL. */
const config = (simUrl: string) => `server: { port: 8080 }
routing: { retries: 0 }
providers:
  - { id: sim-openai, type: openai, baseUrl: '${simUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - name: gpt
    deployments: [{ provider: sim-openai, model: gpt-upstream }]
tenants:
  - id: acme
    keys: [{ key: env:FILES_KEY, models: ['*'] }]
`;

const chatLine = (customId: string, text: string) => ({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt', messages: [{ role: 'user', content: text }], max_tokens: 16 } });
const jsonl = (lines: unknown[]) => `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;

describe('files in an S3-compatible bucket (standalone, Postgres, s3rver, openai SDK)', () => {
  const s3Server = new S3TestServer(BUCKET);
  let s3: S3Client;
  let gw: StandaloneOnPostgres;

  const client = () => gw.openai(KEY);
  const upload = async (content: string | Buffer) => client().files.create({ file: await toFile(Buffer.from(content), 'input.jsonl'), purpose: 'batch' });
  /** The object's size in the bucket, or undefined when there is none. */
  const objectBytes = (fileId: string) =>
    s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}${fileId}` })).then(
      (h) => h.ContentLength,
      (e: unknown) => {
        if (e instanceof NotFound) return undefined;
        throw e;
      },
    );

  beforeAll(async () => {
    await s3Server.start();
    s3 = new S3Client({ endpoint: s3Server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_TEST_CREDENTIALS });
    gw = await StandaloneOnPostgres.start({
      database: 'sy_files_s3',
      config,
      env: {
        SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-sim', FILES_KEY: KEY,
        SWITCHYARD_FILES_STORE: 's3', SWITCHYARD_FILES_S3_BUCKET: BUCKET, SWITCHYARD_FILES_S3_ENDPOINT: s3Server.endpoint,
        SWITCHYARD_FILES_S3_REGION: 'us-east-1', SWITCHYARD_FILES_S3_PREFIX: PREFIX, SWITCHYARD_FILES_S3_FORCE_PATH_STYLE: 'true',
        SWITCHYARD_FILES_MAX_BYTES: String(MAX_BYTES),
        // The SDK's standard credential chain, as an operator's Secret would set them.
        AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
      },
    });
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
    s3?.destroy();
    await s3Server.dispose();
  });

  it('keeps an upload, a batch\'s output and their deletion in the bucket, the metadata in Postgres', async () => {
    const content = jsonl([chatLine('a', 'hello'), chatLine('b', 'world')]);
    const input = await upload(content);

    expect(await objectBytes(input.id)).toBe(Buffer.byteLength(content));
    const rows = await gw.db.query<{ storage: string; bytes: number }>('SELECT storage, bytes FROM files WHERE id = $1', [input.id]);
    expect(rows).toEqual([{ storage: 's3', bytes: Buffer.byteLength(content) }]);
    expect(await gw.db.query('SELECT 1 FROM file_blobs WHERE file_id = $1', [input.id])).toEqual([]);
    expect(await (await client().files.content(input.id)).text()).toBe(content);

    const created = await client().batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const done = await eventually(async () => {
      const b = await client().batches.retrieve(created.id);
      if (b.status !== 'completed') throw new Error(`still ${b.status}`);
      return b;
    }, 60_000, 'batch completed');
    const outputId = done.output_file_id!;
    const output = (await (await client().files.content(outputId)).text()).trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string; response: { status_code: number } });
    expect(output.map((l) => [l.custom_id, l.response.status_code])).toEqual([['a', 200], ['b', 200]]);
    expect(await objectBytes(outputId)).toBeGreaterThan(0);

    await client().files.delete(input.id);
    await client().files.delete(outputId);
    expect(await objectBytes(input.id)).toBeUndefined();
    expect(await objectBytes(outputId)).toBeUndefined();
    await expect(client().files.content(input.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  }, 90_000);

  it('stores a file larger than a part as a multipart upload and streams it back whole; refuses one above the limit with 413 and stores nothing', async () => {
    const line = `${JSON.stringify(chatLine('x', 'y'.repeat(1000)))}\n`;
    const big = Buffer.from(line.repeat(Math.floor((10 * 1024 * 1024) / line.length)));

    const file = await upload(big);

    expect(s3Server.events.filter((e) => e.key === `${PREFIX}${file.id}`).map((e) => e.name)).toEqual(['ObjectCreated:Post']);
    expect(Buffer.from(await (await client().files.content(file.id)).arrayBuffer()).equals(big)).toBe(true);

    const stored = s3Server.events.length;
    const refusal = await upload(Buffer.alloc(MAX_BYTES + 1, 'x')).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OpenAI.APIError);
    expect((refusal as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    expect((refusal as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'invalid_request_error', param: 'file' });
    expect(s3Server.events.length).toBe(stored);
  }, 90_000);

  it('answers 503 in OpenAI\'s shape and reports not ready while the bucket is down, and serves again once it is back', async () => {
    const file = await upload(jsonl([chatLine('a', 'kept')]));
    await s3Server.stop();
    try {
      const ready = await fetch(`${gw.baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', failing: ['files bucket'] });

      for (const call of [() => upload(jsonl([chatLine('b', 'lost')])), () => client().files.content(file.id), () => client().files.delete(file.id)]) {
        const err = await call().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OpenAI.InternalServerError);
        expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
        expect((err as InstanceType<typeof OpenAI.APIError>).error).toEqual({ message: 'The file store is unavailable at the moment; try again later.', type: 'api_error', param: null, code: 'upstream_unavailable' });
      }
      // The process is up, and the metadata still answers.
      expect((await fetch(`${gw.baseUrl}/healthz`)).status).toBe(200);
      expect((await client().files.retrieve(file.id)).id).toBe(file.id);
    } finally {
      await s3Server.start();
    }
    await waitForReady(gw.baseUrl, gw.app, 30_000);
    // The refused delete changed nothing: the file and its bytes are still there.
    expect(await (await client().files.content(file.id)).text()).toBe(jsonl([chatLine('a', 'kept')]));
    expect(gw.app.proc.exitCode).toBeNull();
  }, 90_000);
});
