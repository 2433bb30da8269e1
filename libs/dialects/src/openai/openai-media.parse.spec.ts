import { IrError, MediaOperation } from '@switchyard/ir';
import { parseImageGeneration, parseSpeech, parseTranscription } from './openai-media.parse';

// OpenAI images and audio requests as the `openai` SDK sends them → MediaRequest (issue 17).

/** A form as undici's FormData serialises it (the encoder the `openai` SDK uses on Node). */
async function form(fields: Record<string, string | string[]>, file?: { name: string; type: string; data: Buffer }): Promise<{ body: Buffer; type: string }> {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) fd.append(k, one);
  if (file) fd.append('file', new File([file.data], file.name, { type: file.type }));
  const res = new Response(fd);
  return { body: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') ?? '' };
}

describe('OpenAI media parse', () => {
  it('takes an image generation: the model to route by, the other fields as sent', () => {
    const req = parseImageGeneration({ model: 'dalle', prompt: 'A fox', n: 1, size: '1024x1024', user: 'u-7' });

    expect(req).toMatchObject({ model: 'dalle', operation: MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION, meta: expect.objectContaining({ endUserId: 'u-7' }) });
    expect(JSON.parse(req.fieldsJson)).toStrictEqual({ prompt: 'A fox', n: 1, size: '1024x1024', user: 'u-7' });
  });

  it.each([
    [{ model: 'dalle' }, 'prompt'],
    [{ model: 'dalle', prompt: '  ' }, 'prompt'],
    [{ model: 'dalle', prompt: 'x', n: 11 }, 'n'],
    [{ prompt: 'x' }, 'model'],
  ])('refuses %j naming %s', (body, param) => {
    expect(() => parseImageGeneration(body)).toThrow(expect.objectContaining({ param }));
  });

  it('takes speech and refuses an input over 4096 characters', () => {
    expect(JSON.parse(parseSpeech({ model: 'tts', input: 'Hi', voice: 'alloy', speed: 1.2 }).fieldsJson)).toStrictEqual({ input: 'Hi', voice: 'alloy', speed: 1.2 });
    expect(() => parseSpeech({ model: 'tts', input: 'x'.repeat(4097), voice: 'alloy' })).toThrow(expect.objectContaining({ param: 'input' }));
    expect(() => parseSpeech({ model: 'tts', input: 'x' })).toThrow(expect.objectContaining({ param: 'voice' }));
  });

  it('reads a transcription form: its file byte for byte, text fields, repeated list fields', async () => {
    const audio = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));
    const { body, type } = await form({ model: 'whisper', language: 'en', 'timestamp_granularities[]': ['word', 'segment'] }, { name: 'talk.mp3', type: 'audio/mpeg', data: audio });

    const req = parseTranscription(body, type);

    expect(req.model).toBe('whisper');
    expect(req.fileName).toBe('talk.mp3');
    expect(req.fileType).toBe('audio/mpeg');
    expect(Buffer.from(req.file).equals(audio)).toBe(true);
    expect(JSON.parse(req.fieldsJson)).toStrictEqual({ language: 'en', 'timestamp_granularities[]': ['word', 'segment'] });
  });

  it('refuses a form without a file, without a model, or that is not multipart', async () => {
    const noFile = await form({ model: 'whisper' });
    const noModel = await form({}, { name: 'a.mp3', type: 'audio/mpeg', data: Buffer.from('abc') });

    expect(() => parseTranscription(noFile.body, noFile.type)).toThrow(expect.objectContaining({ param: 'file' }));
    expect(() => parseTranscription(noModel.body, noModel.type)).toThrow(expect.objectContaining({ param: 'model' }));
    expect(() => parseTranscription(Buffer.from('{"model":"whisper"}'), 'application/json')).toThrow(IrError);
    expect(() => parseTranscription(Buffer.from('--b\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper'), 'multipart/form-data; boundary=b')).toThrow(/not closed/);
  });
});
