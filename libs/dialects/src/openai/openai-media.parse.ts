import { Dialect, IrError, MediaOperation } from '@switchyard/ir';
import type { MediaRequest } from '@switchyard/ir';
import { expectBody, expectString } from '../json-guards';
import { formBoundary, parseMultipart } from '../multipart-form';

// OpenAI images and audio requests → the IR's MediaRequest (issue 17). The gateway checks what
// it needs — the model it routes by, the input it meters — and relays the other fields as the
// client sent them to an OpenAI-family upstream, which validates them itself (sizes, voices and
// formats differ by model and grow with every release):
// - POST /v1/images/generations (platform.openai.com/docs/api-reference/images/create):
//   `prompt` required; `n` 1–10.
// - POST /v1/audio/speech (…/audio/createSpeech): `input` (at most 4096 characters) and `voice`
//   required.
// - POST /v1/audio/transcriptions (…/audio/createTranscription): multipart/form-data with
//   `file` and `model` required.

const MAX_SPEECH_CHARACTERS = 4096;
const MAX_IMAGES = 10;

const META = { dialect: Dialect.DIALECT_OPENAI, requestId: '', tenantId: '', keyId: '', endUserId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' };

function media(operation: MediaOperation, model: string, fields: Record<string, unknown>, user: unknown): MediaRequest {
  if (!model) throw IrError.invalid('model: must not be empty', 'model');
  const { model: _model, ...rest } = fields;
  return {
    model,
    operation,
    fieldsJson: JSON.stringify(rest),
    file: Buffer.alloc(0),
    fileName: '',
    fileType: '',
    meta: { ...META, endUserId: typeof user === 'string' ? user : '' },
  };
}

export function parseImageGeneration(raw: unknown): MediaRequest {
  const body = expectBody(raw);
  const model = expectString(body['model'], 'model');
  const prompt = expectString(body['prompt'], 'prompt');
  if (!prompt.trim()) throw IrError.invalid('prompt: must not be empty', 'prompt');
  const n = body['n'];
  if (n !== undefined && n !== null && (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_IMAGES)) throw IrError.invalid(`n: must be an integer between 1 and ${MAX_IMAGES}`, 'n');
  return media(MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION, model, body, body['user']);
}

export function parseSpeech(raw: unknown): MediaRequest {
  const body = expectBody(raw);
  const model = expectString(body['model'], 'model');
  const input = expectString(body['input'], 'input');
  if (!input) throw IrError.invalid('input: must not be empty', 'input');
  if ([...input].length > MAX_SPEECH_CHARACTERS) throw IrError.invalid(`input: at most ${MAX_SPEECH_CHARACTERS} characters`, 'input');
  expectString(body['voice'], 'voice');
  return media(MediaOperation.MEDIA_OPERATION_SPEECH, model, body, undefined);
}

/** The multipart form of a transcription: `body` as the client sent it, `contentType` its header. */
export function parseTranscription(body: Buffer, contentType: string | undefined): MediaRequest {
  const form = parseMultipart(body, formBoundary(contentType));
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form.fields) {
    // `timestamp_granularities[]` and `include[]` repeat; the rest are single values.
    if (name.endsWith('[]')) {
      const list = (fields[name] as string[] | undefined) ?? [];
      list.push(value);
      fields[name] = list;
    } else {
      fields[name] = value;
    }
  }
  const model = typeof fields['model'] === 'string' ? fields['model'] : '';
  if (!model) throw IrError.invalid('model: a form field naming the model is required', 'model');
  const file = form.files.find((f) => f.name === 'file');
  if (!file || file.data.length === 0) throw IrError.invalid('file: an audio file is required', 'file');
  const request = media(MediaOperation.MEDIA_OPERATION_TRANSCRIPTION, model, fields, undefined);
  return { ...request, file: file.data, fileName: file.fileName, fileType: file.type };
}
