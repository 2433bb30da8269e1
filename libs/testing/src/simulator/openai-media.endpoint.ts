// OpenAI's images and audio endpoints (also under Azure's deployment and v1 paths), as the
// `openai` SDK declares them (resources/images.d.ts: ImageGenerateParams, ImagesResponse;
// resources/audio/speech.d.ts: SpeechCreateParams; resources/audio/transcriptions.d.ts:
// TranscriptionCreateParams, Transcription, TranscriptionVerbose) and the API reference
// (platform.openai.com/docs/api-reference/images/create, audio/createSpeech,
// audio/createTranscription):
// - images/generations: JSON in; JSON out, `{created, data: [{url} | {b64_json}, revised_prompt?],
//   usage?}`; gpt-image models always answer b64_json and report token usage; dall-e-3 takes
//   n = 1 only and revises the prompt.
// - audio/speech: JSON in (`model`, `input` ≤ 4096 characters, `voice`); the audio bytes out,
//   typed by `response_format` (mp3 default: audio/mpeg).
// - audio/transcriptions: multipart/form-data in (`file`, `model`, `response_format` …); JSON
//   `{text, usage}` out (usage `{type: "duration", seconds}` from whisper-1, `{type: "tokens", …}`
//   from the gpt-4o transcribe models), `verbose_json` with duration and segments, or the text
//   formats as text/plain. With `stream=true` a gpt-4o transcribe model answers server-sent
//   events instead (audio/createTranscription, "Transcription streaming events"):
//   `transcript.text.delta` {delta} per fragment, then `transcript.text.done` {text, usage};
//   whisper-1 ignores `stream` and answers as without it.
import { createHash } from 'node:crypto';
import type { SimulatedError, SimulatorScenario } from './simulator-scenario.types';

export type MediaKind = 'images' | 'speech' | 'transcriptions';

/** One request to a media endpoint, its body read: JSON fields, or a form's fields and file. */
export interface MediaCall {
  readonly kind: MediaKind;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly file?: { readonly fileName: string; readonly type: string; readonly data: Buffer };
  readonly model: string;
  readonly modelInPath: boolean;
  readonly scenario: SimulatorScenario;
  readonly seq: number;
}

export interface MediaAnswer {
  readonly contentType: string;
  readonly body: Buffer;
}

/** 1×1 transparent PNG, the image every generation answers. */
export const SIMULATED_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
/** Bytes of simulated audio per second (128 kbit/s mp3): a transcription's duration is its file's size over this. */
export const SIMULATED_AUDIO_BYTES_PER_SECOND = 16_000;

const VOICES = new Set(['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer', 'verse', 'marin', 'cedar']);
const SPEECH_TYPES: Readonly<Record<string, string>> = { mp3: 'audio/mpeg', opus: 'audio/opus', aac: 'audio/aac', flac: 'audio/flac', wav: 'audio/wav', pcm: 'audio/pcm' };
const TRANSCRIPTION_FORMATS = new Set(['json', 'text', 'srt', 'verbose_json', 'vtt']);

export function validateMedia(call: MediaCall): SimulatedError | undefined {
  if (!call.modelInPath && typeof call.fields['model'] !== 'string') return invalid('you must provide a model parameter', 'model');
  switch (call.kind) {
    case 'images': {
      if (typeof call.fields['prompt'] !== 'string' || call.fields['prompt'] === '') return invalid("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
      const n = call.fields['n'] ?? 1;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) return invalid(`Invalid value for 'n': expected an integer between 1 and 10.`, 'n', 'invalid_value');
      if (call.model.startsWith('dall-e-3') && n !== 1) return invalid('You must provide n=1 for this model.', 'n', 'invalid_value');
      return undefined;
    }
    case 'speech': {
      const input = call.fields['input'];
      if (typeof input !== 'string') return invalid("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
      if (input.length > 4096) return invalid("string too long. Expected a string with maximum length 4096, but got a string with length " + String(input.length) + ' instead.', 'input', 'string_above_max_length');
      const voice = call.fields['voice'];
      if (typeof voice !== 'string' || !VOICES.has(voice)) return invalid(`Invalid value: '${String(voice)}'. Supported values are: ${[...VOICES].map((v) => `'${v}'`).join(', ')}.`, 'voice', 'invalid_value');
      const format = call.fields['response_format'] ?? 'mp3';
      if (typeof format !== 'string' || !(format in SPEECH_TYPES)) return invalid(`Invalid value: '${String(format)}'.`, 'response_format', 'invalid_value');
      return undefined;
    }
    case 'transcriptions': {
      if (!call.file || call.file.data.length === 0) return invalid("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
      const format = call.fields['response_format'] ?? 'json';
      if (typeof format !== 'string' || !TRANSCRIPTION_FORMATS.has(format)) return invalid(`Invalid value: '${String(format)}'.`, 'response_format', 'invalid_value');
      if (format !== 'json' && format !== 'text' && call.model.startsWith('gpt-4o')) return invalid(`response_format '${format}' is not compatible with model '${call.model}'. Use 'json' or 'text' instead.`, 'response_format', 'unsupported_value');
      return undefined;
    }
  }
}

export function answerMedia(call: MediaCall): MediaAnswer {
  switch (call.kind) {
    case 'images':
      return json(imagesAnswer(call));
    case 'speech':
      return { contentType: SPEECH_TYPES[String(call.fields['response_format'] ?? 'mp3')] ?? 'audio/mpeg', body: speechAudio(call) };
    case 'transcriptions':
      return transcription(call);
  }
}

function json(value: unknown): MediaAnswer {
  return { contentType: 'application/json', body: Buffer.from(JSON.stringify(value), 'utf8') };
}

function imagesAnswer(call: MediaCall): Record<string, unknown> {
  const n = typeof call.fields['n'] === 'number' ? call.fields['n'] : 1;
  const prompt = String(call.fields['prompt']);
  const gptImage = call.model.startsWith('gpt-image');
  const b64 = gptImage || call.fields['response_format'] === 'b64_json';
  const data = Array.from({ length: n }, (_, i) => {
    const image: Record<string, unknown> = b64 ? { b64_json: SIMULATED_PNG_BASE64 } : { url: `https://images.simulator.invalid/sim${call.seq}-${i}.png` };
    if (call.model.startsWith('dall-e-3')) image['revised_prompt'] = `A detailed rendering of: ${prompt}`;
    return image;
  });
  const answer: Record<string, unknown> = { created: 1_735_689_600 + call.seq, data };
  if (gptImage) {
    const input = call.scenario.usage?.input ?? Math.ceil(prompt.length / 4);
    const output = call.scenario.usage?.output ?? 272 * n;
    answer['usage'] = { total_tokens: input + output, input_tokens: input, output_tokens: output, input_tokens_details: { text_tokens: input, image_tokens: 0 } };
    answer['size'] = call.fields['size'] ?? '1024x1024';
    answer['quality'] = call.fields['quality'] ?? 'medium';
    answer['background'] = call.fields['background'] ?? 'opaque';
    answer['output_format'] = call.fields['output_format'] ?? 'png';
  }
  return answer;
}

/** Deterministic bytes standing for the spoken input: an ID3-tagged mp3 header and a digest per character block. */
function speechAudio(call: MediaCall): Buffer {
  const input = String(call.fields['input']);
  const frames: Buffer[] = [Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1')];
  for (let i = 0; i < input.length; i += 64) frames.push(createHash('sha256').update(input.slice(i, i + 64)).digest());
  return Buffer.concat(frames);
}

function transcription(call: MediaCall): MediaAnswer {
  const file = call.file as NonNullable<MediaCall['file']>;
  const seconds = Math.max(1, Math.ceil(file.data.length / SIMULATED_AUDIO_BYTES_PER_SECOND));
  const text = call.scenario.content ?? `Transcribed by the simulator: ${file.fileName}, ${file.data.length} bytes.`;
  const format = String(call.fields['response_format'] ?? 'json');
  const usage = call.model.startsWith('gpt-4o')
    ? { type: 'tokens', input_tokens: call.scenario.usage?.input ?? seconds * 10, input_token_details: { text_tokens: 0, audio_tokens: call.scenario.usage?.input ?? seconds * 10 }, output_tokens: call.scenario.usage?.output ?? Math.ceil(text.length / 4), total_tokens: (call.scenario.usage?.input ?? seconds * 10) + (call.scenario.usage?.output ?? Math.ceil(text.length / 4)) }
    : { type: 'duration', seconds };
  const stream = call.fields['stream'] === true || call.fields['stream'] === 'true';
  if (stream && call.model.startsWith('gpt-4o')) return transcriptionEvents(text, usage);
  switch (format) {
    case 'text':
      return { contentType: 'text/plain; charset=utf-8', body: Buffer.from(`${text}\n`, 'utf8') };
    case 'srt':
      return { contentType: 'text/plain; charset=utf-8', body: Buffer.from(`1\n00:00:00,000 --> ${timestamp(seconds, ',')}\n${text}\n\n`, 'utf8') };
    case 'vtt':
      return { contentType: 'text/plain; charset=utf-8', body: Buffer.from(`WEBVTT\n\n00:00:00.000 --> ${timestamp(seconds, '.')}\n${text}\n\n`, 'utf8') };
    case 'verbose_json':
      return json({ task: 'transcribe', language: String(call.fields['language'] ?? 'english'), duration: seconds, text, segments: [{ id: 0, seek: 0, start: 0, end: seconds, text, tokens: [], temperature: 0, avg_logprob: -0.2, compression_ratio: 1, no_speech_prob: 0 }], usage });
    default:
      return json({ text, usage });
  }
}

/** A streamed transcription: one delta per word (with its leading space), then the whole text with the usage. */
function transcriptionEvents(text: string, usage: Record<string, unknown>): MediaAnswer {
  const events: Record<string, unknown>[] = (text.match(/\s*\S+/g) ?? []).map((delta) => ({ type: 'transcript.text.delta', delta }));
  events.push({ type: 'transcript.text.done', text, usage });
  return { contentType: 'text/event-stream', body: Buffer.from(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join(''), 'utf8') };
}

function timestamp(seconds: number, separator: string): string {
  const h = String(Math.floor(seconds / 3600)).padStart(2, '0');
  const m = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
  const s = String(seconds % 60).padStart(2, '0');
  return `${h}:${m}:${s}${separator}000`;
}

function invalid(message: string, param?: string, code?: string): SimulatedError {
  return { status: 400, type: 'invalid_request_error', message, param, code };
}
