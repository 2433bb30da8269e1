import { IrError, MediaOperation } from '@switchyard/ir';
import type { MediaRequest, MediaUnits, Usage } from '@switchyard/ir';
import type { MediaAnswer, MediaReading, UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import { OpenAiEndpoint, azureUrl, headersOf } from './openai.request';
import { azureApiVersion, vendorProfile } from './openai.vendors';

// Images and audio for the OpenAI family (issue 17), relayed as the client asked for them:
// - POST /images/generations, JSON (platform.openai.com/docs/api-reference/images/create):
//   `prompt`, `n`, `size`, `quality`, `response_format` … ; answers `{created, data: [{url |
//   b64_json, revised_prompt}], usage?}` (usage in tokens from gpt-image-1 on).
// - POST /audio/speech, JSON (…/audio/createSpeech): `input`, `voice`, `response_format` …;
//   answers the audio bytes (audio/mpeg for the default mp3).
// - POST /audio/transcriptions, multipart/form-data (…/audio/createTranscription): `file`,
//   `model`, `language`, `prompt`, `response_format`, `temperature`, `timestamp_granularities[]`;
//   answers JSON `{text, usage?}` (usage `{type: "tokens", input_tokens, output_tokens, …}` from
//   gpt-4o-transcribe, `{type: "duration", seconds}` from whisper-1), `verbose_json` with
//   `duration`, or the text formats (text, srt, vtt) as text/plain.
// Azure OpenAI serves the same bodies under /openai/deployments/{deployment}/{operation}
// (learn.microsoft.com/azure/ai-foundry/openai/reference); the model goes in the body only on
// its v1 API, as for chat.

const PATHS: Readonly<Record<MediaOperation, string>> = {
  [MediaOperation.MEDIA_OPERATION_UNSPECIFIED]: '',
  [MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION]: 'images/generations',
  [MediaOperation.MEDIA_OPERATION_SPEECH]: 'audio/speech',
  [MediaOperation.MEDIA_OPERATION_TRANSCRIPTION]: 'audio/transcriptions',
};

const NAMES: Readonly<Record<MediaOperation, string>> = {
  [MediaOperation.MEDIA_OPERATION_UNSPECIFIED]: 'this operation',
  [MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION]: 'image generation',
  [MediaOperation.MEDIA_OPERATION_SPEECH]: 'speech',
  [MediaOperation.MEDIA_OPERATION_TRANSCRIPTION]: 'transcription',
};

type Json = Record<string, unknown>;

export function buildOpenAiMediaRequest(req: MediaRequest, target: UpstreamTarget, endpoint: OpenAiEndpoint): UpstreamHttpRequest {
  const op = req.operation;
  const profile = vendorProfile(endpoint, target);
  if (!PATHS[op] || !profile.media.includes(op)) {
    throw IrError.invalid(`The model \`${req.model}\` is served by an upstream (${profile.vendor}) that has no ${NAMES[op]} API.`, 'model');
  }
  const fields = JSON.parse(req.fieldsJson || '{}') as Json;
  delete fields['model'];
  if (endpoint !== 'azure' || azureApiVersion(target) === 'v1') fields['model'] = target.upstreamModel;
  const url = endpoint === 'azure' ? azureUrl(target, PATHS[op]) : `${target.baseUrl.replace(/\/+$/, '')}/${PATHS[op]}`;
  const headers = headersOf(target, endpoint);
  if (op !== MediaOperation.MEDIA_OPERATION_TRANSCRIPTION) return { url, headers, body: JSON.stringify(fields) };
  const form = multipart(fields, req);
  headers['content-type'] = `multipart/form-data; boundary=${form.boundary}`;
  return { url, headers, body: '', bytes: form.bytes };
}

/** What the upstream's answer says about usage: tokens where reported, and the billing units. */
export function readOpenAiMediaAnswer(req: MediaRequest, answer: MediaAnswer): MediaReading {
  const units: MediaUnits = { images: 0, imageSize: '', imageQuality: '', characters: 0, audioSeconds: 0 };
  const fields = JSON.parse(req.fieldsJson || '{}') as Json;
  switch (req.operation) {
    case MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION: {
      const body = jsonOf(answer);
      const data = body?.['data'];
      units.images = Array.isArray(data) ? data.length : 0;
      units.imageSize = stringOf(body?.['size']) || stringOf(fields['size']);
      units.imageQuality = stringOf(body?.['quality']) || stringOf(fields['quality']);
      return { units, usage: imageUsage(body?.['usage']) };
    }
    case MediaOperation.MEDIA_OPERATION_SPEECH:
      // The audio carries no usage: speech is billed by the characters of its input.
      units.characters = [...stringOf(fields['input'])].length;
      return { units };
    case MediaOperation.MEDIA_OPERATION_TRANSCRIPTION: {
      // A streamed transcription (stream=true) is server-sent events; its usage is on the last one.
      const body = jsonOf(answer) ?? transcriptionDoneEvent(answer);
      const usage = body?.['usage'] as Json | undefined;
      if (usage?.['type'] === 'duration') units.audioSeconds = numberOf(usage['seconds']);
      else if (typeof body?.['duration'] === 'number') units.audioSeconds = body['duration'];
      return { units, usage: usage?.['type'] === 'tokens' ? tokens(usage) : undefined };
    }
    case MediaOperation.MEDIA_OPERATION_UNSPECIFIED:
      return { units };
  }
}

/** gpt-image-1's `usage`: input tokens (text and image), output tokens (image). */
function imageUsage(raw: unknown): Usage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  return tokens(raw as Json);
}

function tokens(u: Json): Usage {
  return { inputTokens: count(u['input_tokens']), outputTokens: count(u['output_tokens']), cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 };
}

function jsonOf(answer: MediaAnswer): Json | undefined {
  if (!answer.contentType.includes('json')) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(answer.body).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** The `transcript.text.done` event of a streamed transcription (audio/createTranscription, streaming events), which carries the usage. */
function transcriptionDoneEvent(answer: MediaAnswer): Json | undefined {
  if (!answer.contentType.includes('text/event-stream')) return undefined;
  for (const line of Buffer.from(answer.body).toString('utf8').split(/\r?\n/)) {
    if (!line.startsWith('data:') || !line.includes('transcript.text.done')) continue;
    try {
      const event: unknown = JSON.parse(line.slice('data:'.length));
      if (typeof event === 'object' && event !== null && (event as Json)['type'] === 'transcript.text.done') return event as Json;
    } catch {
      // Not JSON: not the event sought.
    }
  }
  return undefined;
}

const stringOf = (v: unknown): string => (typeof v === 'string' ? v : '');
const numberOf = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff ? v : 0);

/**
 * multipart/form-data (RFC 7578) of the transcription's fields and its file, in the form the
 * `openai` SDK sends: arrays as repeated `name[]` parts (timestamp_granularities[]), objects as
 * JSON text, the file last with its name and media type.
 */
function multipart(fields: Json, req: MediaRequest): { boundary: string; bytes: Uint8Array } {
  // The request id is a UUID minted by the gateway: as unlikely in audio bytes as a random boundary, and repeatable in tests.
  const boundary = `----switchyard-${req.meta?.requestId || Math.random().toString(36).slice(2)}`;
  const parts: Buffer[] = [];
  const text = (name: string, value: string) => parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`, 'utf8'));
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) text(name.endsWith('[]') ? name : `${name}[]`, scalar(v));
    else text(name, scalar(value));
  }
  const fileName = req.fileName || 'audio';
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(fileName)}"\r\nContent-Type: ${req.fileType || 'application/octet-stream'}\r\n\r\n`, 'utf8'));
  parts.push(Buffer.from(req.file));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'));
  return { boundary, bytes: Buffer.concat(parts) };
}

function scalar(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A name or file name inside a quoted header parameter: quotes and line breaks escaped as browsers do (WHATWG). */
function quoted(s: string): string {
  return s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
