import { ProviderSimulator } from './provider-simulator';
import { SIMULATED_AUDIO_BYTES_PER_SECOND, SIMULATED_PNG_BASE64 } from './openai-media.endpoint';

// The simulator's images and audio wires (issue 17), over HTTP as a client sees them: the
// answers' shapes and media types, the API's refusals, and the form read as uploaded.

describe('simulator: OpenAI images and audio', () => {
  let sim: ProviderSimulator;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
  });

  afterAll(async () => {
    await sim.close();
  });

  const post = (path: string, body: unknown) => fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body: JSON.stringify(body) });

  it('answers dall-e-3 with a URL and its revised prompt, and gpt-image-1 with base64 and token usage', async () => {
    const dalle = (await (await post('/v1/images/generations', { model: 'dall-e-3', prompt: 'A fox' })).json()) as { data: unknown[] };
    const gpt = (await (await post('/v1/images/generations', { model: 'gpt-image-1', prompt: 'A fox', n: 2 })).json()) as { data: { b64_json: string }[]; usage: { input_tokens: number } };

    expect(dalle.data).toEqual([{ url: expect.stringMatching(/^https:\/\/images\.simulator\.invalid\/sim\d+-0\.png$/), revised_prompt: 'A detailed rendering of: A fox' }]);
    expect(gpt.data.map((d) => d.b64_json)).toEqual([SIMULATED_PNG_BASE64, SIMULATED_PNG_BASE64]);
    expect(gpt.usage.input_tokens).toBeGreaterThan(0);
  });

  it('refuses n > 1 for dall-e-3 and a missing prompt, as the API does, without consuming a scenario', async () => {
    sim.script({ match: { model: 'dall-e-3' }, error: { status: 500 } });

    const many = await post('/v1/images/generations', { model: 'dall-e-3', prompt: 'x', n: 2 });
    const none = await post('/v1/images/generations', { model: 'dall-e-3' });
    const scripted = await post('/v1/images/generations', { model: 'dall-e-3', prompt: 'x' });

    expect(many.status).toBe(400);
    expect(((await many.json()) as { error: { param: string } }).error.param).toBe('n');
    expect(none.status).toBe(400);
    expect(scripted.status).toBe(500);
  });

  it('answers speech with audio bytes of the asked type, and refuses an unknown voice', async () => {
    const mp3 = await post('/v1/audio/speech', { model: 'tts-1', input: 'Hello', voice: 'alloy' });
    const flac = await post('/v1/audio/speech', { model: 'tts-1', input: 'Hello', voice: 'alloy', response_format: 'flac' });
    const bad = await post('/v1/audio/speech', { model: 'tts-1', input: 'Hello', voice: 'robot' });

    expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await mp3.arrayBuffer()).subarray(0, 3).toString('latin1')).toBe('ID3');
    expect(flac.headers.get('content-type')).toBe('audio/flac');
    expect(bad.status).toBe(400);
  });

  it('reads a transcription form and answers json, verbose_json and text, by model', async () => {
    const audio = Buffer.alloc(2 * SIMULATED_AUDIO_BYTES_PER_SECOND, 7);
    const form = (fields: Record<string, string>) => {
      const fd = new FormData();
      for (const [k, v] of Object.entries(fields)) fd.append(k, v);
      fd.append('file', new File([audio], 'a.mp3', { type: 'audio/mpeg' }));
      return fetch(`${sim.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: fd });
    };

    const whisper = (await (await form({ model: 'whisper-1' })).json()) as { text: string; usage: unknown };
    const verbose = (await (await form({ model: 'whisper-1', response_format: 'verbose_json' })).json()) as { duration: number };
    const tokens = (await (await form({ model: 'gpt-4o-transcribe' })).json()) as { usage: { type: string } };
    const text = await form({ model: 'whisper-1', response_format: 'text' });
    const refused = await form({ model: 'gpt-4o-transcribe', response_format: 'srt' });

    expect(whisper).toEqual({ text: `Transcribed by the simulator: a.mp3, ${audio.length} bytes.`, usage: { type: 'duration', seconds: 2 } });
    expect(verbose.duration).toBe(2);
    expect(tokens.usage.type).toBe('tokens');
    expect(text.headers.get('content-type')).toContain('text/plain');
    expect(await text.text()).toBe(`Transcribed by the simulator: a.mp3, ${audio.length} bytes.\n`);
    expect(refused.status).toBe(400);
    expect(sim.requests.at(-1)?.body).toMatchObject({ model: 'gpt-4o-transcribe', file: { fileName: 'a.mp3', type: 'audio/mpeg', bytes: audio.length } });
  });
});
