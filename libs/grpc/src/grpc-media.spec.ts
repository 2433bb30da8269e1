import { Dialect, ErrorKind, MediaOperation } from '@switchyard/ir';
import type { MediaGenerateRequest, MediaRequest, MediaResponse } from '@switchyard/ir';
import { GrpcAdapterClient } from './grpc-adapter.client';
import { GrpcRouterClient } from './grpc-router.client';
import { GrpcServerHost } from './grpc-server.host';
import { serveAdapter, serveRouter } from './port-service.registrar';

// Images and audio over the cluster's gRPC hops (issue 17): a binary file in, binary audio out,
// byte for byte, and a failure in-band as on every other call.

const AUDIO = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 13) % 256));
const REQUEST: MediaRequest = {
  model: 'whisper',
  operation: MediaOperation.MEDIA_OPERATION_TRANSCRIPTION,
  fieldsJson: '{"language":"en"}',
  file: AUDIO,
  fileName: 'talk.mp3',
  fileType: 'audio/mpeg',
  meta: { dialect: Dialect.DIALECT_OPENAI, requestId: 'r1', tenantId: 't', keyId: 'k', endUserId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
};

describe('Media over gRPC', () => {
  let host: GrpcServerHost;

  beforeEach(() => {
    host = new GrpcServerHost();
  });

  afterEach(async () => {
    await host.stop(100);
  });

  it('carries the file to the router and the answer bytes back unchanged', async () => {
    let received: MediaRequest | undefined;
    const router = {
      route: () => (async function* () {})(),
      listModels: async () => ({ models: [] }),
      embed: async () => ({ embeddings: [], usageEstimated: false }),
      countTokens: async () => ({ inputTokens: 0, estimated: false }),
      healthState: async () => ({ deployments: [], retryBudgetAvailable: 0, retriesRefused: 0 }),
      media: async (request: MediaRequest): Promise<MediaResponse> => {
        received = request;
        return { contentType: 'audio/mpeg', body: AUDIO, units: { images: 0, imageSize: '', imageQuality: '', characters: 5, audioSeconds: 0 } };
      },
    };
    const port = await serveRouter(host, router).start('127.0.0.1', 0);
    const client = new GrpcRouterClient(`127.0.0.1:${port}`);

    const answer = await client.media(REQUEST, new AbortController().signal);

    expect(Buffer.from(received?.file ?? []).equals(AUDIO)).toBe(true);
    expect(received?.fieldsJson).toBe('{"language":"en"}');
    expect(answer.contentType).toBe('audio/mpeg');
    expect(Buffer.from(answer.body).equals(AUDIO)).toBe(true);
    expect(answer.units?.characters).toBe(5);
    client.close();
  });

  it("answers an adapter's failure in-band, and a port without media as an internal error", async () => {
    const adapter = {
      generate: () => (async function* () {})(),
      embed: async () => ({ embeddings: [], usageEstimated: false }),
      countTokens: async () => ({ inputTokens: 0, estimated: false }),
    };
    const port = await serveAdapter(host, adapter).start('127.0.0.1', 0);
    const client = new GrpcAdapterClient(`127.0.0.1:${port}`);
    const request: MediaGenerateRequest = { request: REQUEST };

    const answer = await client.media(request, new AbortController().signal);

    expect(answer.error?.kind).toBe(ErrorKind.ERROR_KIND_INTERNAL);
    expect(answer.contentType).toBe('');
    client.close();
  });
});
