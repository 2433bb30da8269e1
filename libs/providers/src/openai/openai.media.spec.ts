import { Dialect, IrError, MediaOperation, MediaRequest } from '@switchyard/ir';
import type { ProviderAdapter, UpstreamTarget } from '../core/provider-adapter.types';
import { PROVIDERS } from '../registry';

// Images and audio to the OpenAI family (issue 17): the client's fields as sent, the
// deployment's model, the endpoint's URL; a family or vendor without the API is a 400.

const OPENAI: UpstreamTarget = { baseUrl: 'https://api.openai.com/v1/', apiKey: 'sk-operator', upstreamModel: 'dall-e-3', options: { organization: 'org-op' } };
const AZURE: UpstreamTarget = { baseUrl: 'https://res.openai.azure.com', apiKey: 'az-key', upstreamModel: 'my-whisper', options: { apiVersion: '2024-10-21' } };

function ask(operation: MediaOperation, fields: Record<string, unknown>, file?: Buffer): MediaRequest {
  return {
    model: 'public-model',
    operation,
    fieldsJson: JSON.stringify(fields),
    file: file ?? Buffer.alloc(0),
    fileName: file ? 'talk.mp3' : '',
    fileType: file ? 'audio/mpeg' : '',
    meta: { dialect: Dialect.DIALECT_OPENAI, requestId: '6f1c2a9e-5b1d-4a43-9d55-0c7f1b2e3a4d', tenantId: 't', keyId: 'k', endUserId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
  };
}

describe('OpenAI-family media requests', () => {
  it('sends an image generation to /images/generations with the deployment model and the client fields as sent', () => {
    const http = PROVIDERS.openai.buildMediaRequest?.(ask(MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION, { prompt: 'A fox', size: '1792x1024', style: 'vivid' }), OPENAI);

    expect(http?.url).toBe('https://api.openai.com/v1/images/generations');
    expect(http?.headers).toStrictEqual({ 'content-type': 'application/json', authorization: 'Bearer sk-operator', 'openai-organization': 'org-op' });
    expect(JSON.parse(http?.body ?? '')).toStrictEqual({ prompt: 'A fox', size: '1792x1024', style: 'vivid', model: 'dall-e-3' });
  });

  it('sends speech to /audio/speech', () => {
    const http = PROVIDERS.openai.buildMediaRequest?.(ask(MediaOperation.MEDIA_OPERATION_SPEECH, { input: 'Hi', voice: 'alloy' }), { ...OPENAI, upstreamModel: 'tts-1' });

    expect(http?.url).toBe('https://api.openai.com/v1/audio/speech');
    expect(JSON.parse(http?.body ?? '')).toStrictEqual({ input: 'Hi', voice: 'alloy', model: 'tts-1' });
  });

  it('sends a transcription to an Azure deployment as a multipart form: fields, repeated list fields, then the file byte for byte', () => {
    const audio = Buffer.from([0, 1, 2, 255, 13, 10, 45, 45]);
    const http = PROVIDERS['azure-openai'].buildMediaRequest?.(ask(MediaOperation.MEDIA_OPERATION_TRANSCRIPTION, { language: 'de', 'timestamp_granularities[]': ['word', 'segment'] }, audio), AZURE);

    expect(http?.url).toBe('https://res.openai.azure.com/openai/deployments/my-whisper/audio/transcriptions?api-version=2024-10-21');
    const boundary = '----switchyard-6f1c2a9e-5b1d-4a43-9d55-0c7f1b2e3a4d';
    expect(http?.headers).toStrictEqual({ 'content-type': `multipart/form-data; boundary=${boundary}`, 'api-key': 'az-key' });
    const expected = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="language"\r\n\r\nde\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="timestamp_granularities[]"\r\n\r\nword\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="timestamp_granularities[]"\r\n\r\nsegment\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="talk.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n`,
      ),
      audio,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    expect(Buffer.from(http?.bytes ?? []).equals(expected)).toBe(true);
  });

  it.each([
    ['deepseek', MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION],
    ['ollama', MediaOperation.MEDIA_OPERATION_SPEECH],
    ['vllm', MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION],
  ])('refuses a %s deployment that has no such API with a 400 naming the model', (vendor, op) => {
    const build = () => PROVIDERS['openai-compatible'].buildMediaRequest?.(ask(op, { prompt: 'x', input: 'x', voice: 'alloy' }), { ...OPENAI, options: { vendor } });

    expect(build).toThrow(IrError);
    expect(build).toThrow(/no (image generation|speech) API/);
  });

  it('sends a transcription to vLLM, which serves Whisper models', () => {
    const http = PROVIDERS['openai-compatible'].buildMediaRequest?.(ask(MediaOperation.MEDIA_OPERATION_TRANSCRIPTION, {}, Buffer.from('abc')), { ...OPENAI, baseUrl: 'http://vllm:8000/v1', options: { vendor: 'vllm' }, upstreamModel: 'openai/whisper-large-v3' });

    expect(http?.url).toBe('http://vllm:8000/v1/audio/transcriptions');
    expect(Buffer.from(http?.bytes ?? []).toString('latin1')).toContain('name="model"\r\n\r\nopenai/whisper-large-v3\r\n');
  });

  it('has no media for Anthropic and Gemini', () => {
    const families: ProviderAdapter[] = [PROVIDERS.anthropic, PROVIDERS.gemini];
    for (const adapter of families) expect(adapter.buildMediaRequest).toBeUndefined();
  });
});

describe('OpenAI-family media answers', () => {
  const json = (v: unknown) => ({ contentType: 'application/json', body: Buffer.from(JSON.stringify(v)) });

  it('counts the images and keeps the size and quality asked', () => {
    const reading = PROVIDERS.openai.readMediaAnswer?.(ask(MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION, { prompt: 'p', size: '1024x1024', quality: 'hd' }), json({ created: 1, data: [{ url: 'u1' }, { url: 'u2' }] }));

    expect(reading).toStrictEqual({ units: { images: 2, imageSize: '1024x1024', imageQuality: 'hd', characters: 0, audioSeconds: 0 }, usage: undefined });
  });

  it("reads gpt-image-1's token usage", () => {
    const reading = PROVIDERS.openai.readMediaAnswer?.(ask(MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION, { prompt: 'p' }), json({ data: [{ b64_json: 'x' }], usage: { input_tokens: 50, output_tokens: 4160, total_tokens: 4210 } }));

    expect(reading?.usage).toStrictEqual({ inputTokens: 50, outputTokens: 4160, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 });
  });

  it('counts speech by the characters of its input (code points)', () => {
    const reading = PROVIDERS.openai.readMediaAnswer?.(ask(MediaOperation.MEDIA_OPERATION_SPEECH, { input: 'Grüß 👋' }), { contentType: 'audio/mpeg', body: Buffer.from([1, 2]) });

    expect(reading?.units.characters).toBe(6);
  });

  it("reads whisper-1's duration and gpt-4o-transcribe's tokens; a text answer has neither", () => {
    const req = ask(MediaOperation.MEDIA_OPERATION_TRANSCRIPTION, {});

    expect(PROVIDERS.openai.readMediaAnswer?.(req, json({ text: 't', usage: { type: 'duration', seconds: 42 } }))?.units.audioSeconds).toBe(42);
    expect(PROVIDERS.openai.readMediaAnswer?.(req, json({ text: 't', usage: { type: 'tokens', input_tokens: 120, output_tokens: 15, total_tokens: 135 } }))?.usage).toMatchObject({ inputTokens: 120, outputTokens: 15 });
    expect(PROVIDERS.openai.readMediaAnswer?.(req, { contentType: 'text/plain', body: Buffer.from('hello\n') })).toStrictEqual({ units: { images: 0, imageSize: '', imageQuality: '', characters: 0, audioSeconds: 0 }, usage: undefined });
  });

  it('reads the tokens of a streamed transcription from its transcript.text.done event', () => {
    const req = ask(MediaOperation.MEDIA_OPERATION_TRANSCRIPTION, { stream: 'true' });
    const events = [{ type: 'transcript.text.delta', delta: 'Hello' }, { type: 'transcript.text.delta', delta: ' there' }, { type: 'transcript.text.done', text: 'Hello there', usage: { type: 'tokens', input_tokens: 90, input_token_details: { text_tokens: 0, audio_tokens: 90 }, output_tokens: 4, total_tokens: 94 } }];
    const sse = { contentType: 'text/event-stream', body: Buffer.from(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('')) };

    expect(PROVIDERS.openai.readMediaAnswer?.(req, sse)?.usage).toStrictEqual({ inputTokens: 90, outputTokens: 4, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 });
  });
});
