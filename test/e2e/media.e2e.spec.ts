import { createHash } from 'node:crypto';
import { toFile } from 'openai';
import { ProviderSimulator, type RecordedRequest, SIMULATED_AUDIO_BYTES_PER_SECOND, SIMULATED_PNG_BASE64 } from '@switchyard/testing';
import { eventually } from './support/process-harness';
import { RESILIENCE_KEYS, type ResilienceGateway, removeGatewayTemplate, sdkFailure, startResilienceGateway, triesOf } from './support/resilience-harness';

// Issue 17, images and audio: /v1/images/generations, /v1/audio/speech and
// /v1/audio/transcriptions through the official `openai` SDK, relayed by a standalone gateway
// to the simulator's OpenAI wire, through the router (retries), metered and priced; refused
// with a 400 in OpenAI's shape for a model served by another provider family.

interface UsageRow {
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** The ledger's rows of one request, by the caller's own id (x-client-request-id). */
async function ledgerOf(gw: ResilienceGateway, clientRequestId: string): Promise<UsageRow[]> {
  return eventually(async () => {
    const res = await fetch(`${gw.baseUrl}/admin/v1/usage?clientRequestId=${clientRequestId}`, { headers: { authorization: `Bearer ${RESILIENCE_KEYS.admin}` } });
    const { rows } = (await res.json()) as { rows: UsageRow[] };
    if (!rows.length) throw new Error(`no usage recorded yet for ${clientRequestId}`);
    return rows;
  });
}

const asCaller = (id: string) => ({ headers: { 'x-client-request-id': id } });

afterAll(() => removeGatewayTemplate());

describe('images and audio', () => {
  let sim: ProviderSimulator;
  let gw: ResilienceGateway;

  /** What the simulator received on `path`, oldest first. */
  const received = (path: string): RecordedRequest[] => sim.requests.filter((r) => r.path.endsWith(path));

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    gw = await startResilienceGateway(`routing:
  retries: 2
  timeouts: { connectMs: 1000, firstTokenMs: 5000, idleMs: 5000, totalMs: 20000 }
  retryBudget: { ratio: 1, minPerSecond: 100 }
providers:
  - { id: sim-openai, type: openai, baseUrl: '${sim.url}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_A] }
  - { id: sim-anthropic, type: anthropic, baseUrl: '${sim.url}', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_B] }
models:
  - name: dalle
    deployments: [{ provider: sim-openai, model: dall-e-3 }]
    price: { inputPerMTok: 0, outputPerMTok: 40000 }
  - name: image
    deployments: [{ provider: sim-openai, model: gpt-image-1 }]
    price: { inputPerMTok: 5, outputPerMTok: 40 }
  - name: tts
    deployments: [{ provider: sim-openai, model: tts-1 }]
    price: { inputPerMTok: 15, outputPerMTok: 0 }
  - name: whisper
    deployments: [{ provider: sim-openai, model: whisper-1 }]
    price: { inputPerMTok: 100, outputPerMTok: 0 }
  - name: transcribe
    deployments: [{ provider: sim-openai, model: gpt-4o-transcribe }]
    price: { inputPerMTok: 6, outputPerMTok: 10 }
  - name: claude
    deployments: [{ provider: sim-anthropic, model: claude-up }]
`);
  });

  afterAll(async () => {
    await gw?.stop();
    await sim?.close();
  });

  describe('images.generate', () => {
    it('relays a dall-e-3 generation as the upstream answered it, billed per image', async () => {
      const image = await gw.openai().images.generate({ model: 'dalle', prompt: 'A lighthouse at dusk', size: '1024x1024', quality: 'hd' }, asCaller('img-dalle'));

      const got = received('/images/generations').at(-1);
      expect(got?.body).toEqual({ model: 'dall-e-3', prompt: 'A lighthouse at dusk', size: '1024x1024', quality: 'hd' });
      expect(got?.headers['authorization']).toBe(`Bearer ${RESILIENCE_KEYS.upstreamA}`);
      expect(image.data).toEqual([{ url: `https://images.simulator.invalid/sim${got?.id}-0.png`, revised_prompt: 'A detailed rendering of: A lighthouse at dusk' }]);
      // One image at outputPerMTok 40,000 (USD per million images): $0.04.
      expect(await ledgerOf(gw, 'img-dalle')).toEqual([expect.objectContaining({ model: 'dalle', requests: 1, inputTokens: 0, outputTokens: 1, costUsd: 0.04 })]);
    });

    it('relays gpt-image-1 base64 images and bills the tokens it reports', async () => {
      sim.script({ match: { model: 'gpt-image-1' }, usage: { input: 50, output: 4160 } });

      const image = await gw.openai().images.generate({ model: 'image', prompt: 'A red bicycle', n: 2 }, asCaller('img-gpt'));

      expect(image.data?.map((d) => d.b64_json)).toEqual([SIMULATED_PNG_BASE64, SIMULATED_PNG_BASE64]);
      expect(image.usage).toMatchObject({ input_tokens: 50, output_tokens: 4160 });
      // 50 × $5/M + 4160 × $40/M.
      expect(await ledgerOf(gw, 'img-gpt')).toEqual([expect.objectContaining({ inputTokens: 50, outputTokens: 4160, costUsd: 0.16665 })]);
    });

    it('is refused with a 400 in OpenAI shape for a model served by Anthropic, and nothing goes upstream', async () => {
      const before = sim.requests.length;

      const failure = await sdkFailure(gw.openai().images.generate({ model: 'claude', prompt: 'A cat' }));

      expect(failure.status).toBe(400);
      expect(failure.type).toBe('invalid_request_error');
      expect(failure.message).toMatch(/claude.*no images or audio API|no image generation API/);
      expect(sim.requests.length).toBe(before);
    });

    it("answers a missing prompt with a 400 naming it, before any upstream call", async () => {
      const before = sim.requests.length;

      const failure = await sdkFailure(gw.openai().images.generate({ model: 'dalle' } as unknown as { model: string; prompt: string }));

      expect(failure.status).toBe(400);
      expect(failure.message).toContain('prompt');
      expect(sim.requests.length).toBe(before);
    });
  });

  describe('audio.speech.create', () => {
    it('returns the upstream audio bytes with their type, after retrying a 500, billed per character', async () => {
      sim.script({ match: { model: 'tts-1' }, error: { status: 500 } });

      const speech = await gw.openai().audio.speech.create({ model: 'tts', voice: 'alloy', input: 'Hello there, traveller.' }, asCaller('tts-1'));
      const audio = Buffer.from(await speech.arrayBuffer());

      const calls = received('/audio/speech');
      expect(calls).toHaveLength(2);
      expect(calls[1]?.body).toEqual({ model: 'tts-1', voice: 'alloy', input: 'Hello there, traveller.' });
      expect(speech.headers.get('content-type')).toBe('audio/mpeg');
      expect(triesOf(speech.headers)).toEqual(['sim-openai/tts upstream_error 500', 'sim-openai/tts ok']);
      // What the simulator sent for that input, byte for byte.
      const direct = await fetch(`${sim.url}/v1/audio/speech`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body: JSON.stringify({ model: 'tts-1', voice: 'alloy', input: 'Hello there, traveller.' }) });
      expect(audio.equals(Buffer.from(await direct.arrayBuffer()))).toBe(true);
      // 23 characters at $15 per million.
      expect(await ledgerOf(gw, 'tts-1')).toEqual([expect.objectContaining({ inputTokens: 23, outputTokens: 0, costUsd: 0.000345 })]);
    });

    it('passes the chosen format on and answers its media type', async () => {
      const speech = await gw.openai().audio.speech.create({ model: 'tts', voice: 'nova', input: 'Short.', response_format: 'wav' });

      expect(speech.headers.get('content-type')).toBe('audio/wav');
      expect(received('/audio/speech').at(-1)?.body).toMatchObject({ response_format: 'wav', voice: 'nova' });
    });
  });

  describe('audio.transcriptions.create', () => {
    // Three seconds of "audio" at the simulator's bitrate, with every byte value in it.
    const audio = Buffer.from(Array.from({ length: 3 * SIMULATED_AUDIO_BYTES_PER_SECOND }, (_, i) => (i * 7) % 256));

    it('uploads the file byte for byte with the form fields, and bills whisper-1 per second', async () => {
      const text = await gw.openai().audio.transcriptions.create({ model: 'whisper', file: await toFile(audio, 'meeting.mp3', { type: 'audio/mpeg' }), language: 'en', temperature: 0 }, asCaller('stt-whisper'));

      const got = received('/audio/transcriptions').at(-1);
      expect(got?.body).toMatchObject({ model: 'whisper-1', language: 'en', temperature: '0', file: { fileName: 'meeting.mp3', type: 'audio/mpeg', bytes: audio.length } });
      expect((got?.body as { file: { sha256: string } }).file.sha256).toBe(createHash('sha256').update(audio).digest('hex'));
      expect(text.text).toBe(`Transcribed by the simulator: meeting.mp3, ${audio.length} bytes.`);
      // 3 s at $100 per million seconds ($0.006 a minute).
      expect(await ledgerOf(gw, 'stt-whisper')).toEqual([expect.objectContaining({ inputTokens: 3, costUsd: 0.0003 })]);
    });

    it('bills gpt-4o-transcribe by the tokens it reports, and relays a text answer as text', async () => {
      sim.script({ match: { model: 'gpt-4o-transcribe' }, usage: { input: 120, output: 15 } });

      const json = await gw.openai().audio.transcriptions.create({ model: 'transcribe', file: await toFile(audio, 'a.wav', { type: 'audio/wav' }) }, asCaller('stt-4o'));
      expect(json.usage).toMatchObject({ type: 'tokens', input_tokens: 120, output_tokens: 15 });
      expect(await ledgerOf(gw, 'stt-4o')).toEqual([expect.objectContaining({ inputTokens: 120, outputTokens: 15, costUsd: 0.00087 })]);

      const plain = await gw.openai().audio.transcriptions.create({ model: 'whisper', file: await toFile(audio, 'a.mp3'), response_format: 'text' });
      expect(plain).toBe(`Transcribed by the simulator: a.mp3, ${audio.length} bytes.\n`);
    });

    it('relays a streamed gpt-4o-transcribe answer as its events, billed by the tokens of the last one', async () => {
      sim.script({ match: { model: 'gpt-4o-transcribe' }, usage: { input: 80, output: 9 } });

      const stream = await gw.openai().audio.transcriptions.create({ model: 'transcribe', file: await toFile(audio, 'a.wav', { type: 'audio/wav' }), stream: true }, asCaller('stt-4o-stream'));
      let deltas = '';
      let done: { text: string; usage?: unknown } | undefined;
      for await (const event of stream) {
        if (event.type === 'transcript.text.delta') deltas += event.delta;
        else if (event.type === 'transcript.text.done') done = event;
      }
      expect(received('/audio/transcriptions').at(-1)?.body).toMatchObject({ model: 'gpt-4o-transcribe', stream: 'true' });
      expect(deltas).toBe(`Transcribed by the simulator: a.wav, ${audio.length} bytes.`);
      expect(done).toMatchObject({ text: deltas, usage: { type: 'tokens', input_tokens: 80, output_tokens: 9 } });
      expect(await ledgerOf(gw, 'stt-4o-stream')).toEqual([expect.objectContaining({ inputTokens: 80, outputTokens: 9 })]);
    });

    it('is refused with a 400 for a model served by Anthropic', async () => {
      const failure = await sdkFailure(gw.openai().audio.transcriptions.create({ model: 'claude', file: await toFile(audio, 'a.mp3') }));

      expect(failure.status).toBe(400);
      expect(failure.type).toBe('invalid_request_error');
    });
  });
});
