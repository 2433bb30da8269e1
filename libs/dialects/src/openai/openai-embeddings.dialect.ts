import { Dialect, EmbedInput, EmbedResponse, ErrorEvent, IrError } from '@switchyard/ir';
import type { EmbedDialect, ParsedEmbed, RenderContext, RenderedBody } from '../dialect.types';
import { UINT32_MAX, expectBody, expectString, optInteger, optString } from '../json-guards';
import { renderOpenAiError } from './openai-chat.render';

// POST /v1/embeddings (platform.openai.com/docs/api-reference/embeddings). The openai SDKs ask
// for `encoding_format: "base64"` unless told otherwise and decode the answer as little-endian
// float32 (openai-node resources/embeddings.js): we always fetch floats upstream and encode
// here, so both formats work whatever the upstream.

const MODELLED = new Set(['input', 'model', 'dimensions', 'encoding_format', 'user']);

export class OpenAiEmbeddingsDialect implements EmbedDialect {
  readonly id = Dialect.DIALECT_OPENAI;

  parseEmbedRequest(raw: unknown): ParsedEmbed {
    const body = expectBody(raw);
    const model = expectString(body['model'], 'model');
    if (!model) throw IrError.invalid('model: must not be empty', 'model');
    const encoding = optString(body['encoding_format'], 'encoding_format') ?? 'float';
    if (encoding !== 'float' && encoding !== 'base64') throw IrError.invalid(`encoding_format: unknown value "${encoding}"`, 'encoding_format');
    const dropped = Object.keys(body).filter((k) => !MODELLED.has(k));
    return {
      request: {
        model,
        inputs: parseInputs(body['input']),
        dimensions: optInteger(body['dimensions'], 'dimensions', 1),
        meta: { endUserId: optString(body['user'], 'user') ?? '', dialect: Dialect.DIALECT_OPENAI, requestId: '', tenantId: '', keyId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
        droppedParams: dropped,
        taskType: '',
        title: '',
      },
      encoding,
      batch: false,
    };
  }

  renderEmbedResponse(response: EmbedResponse, parsed: ParsedEmbed, ctx: RenderContext): string {
    const data = (response.embeddings).map((e, i) => ({
      object: 'embedding',
      index: e.index ?? i,
      embedding: parsed.encoding === 'base64' ? float32Base64(e.values) : (e.values),
    }));
    const prompt = response.usage?.inputTokens ?? 0;
    return JSON.stringify({ object: 'list', data, model: ctx.model, usage: { prompt_tokens: prompt, total_tokens: prompt } });
  }

  renderError(error: ErrorEvent): RenderedBody {
    return renderOpenAiError(error);
  }
}

/** `input`: a string, strings, one token array or token arrays (OpenAI rejects empty ones). */
function parseInputs(raw: unknown): EmbedInput[] {
  if (typeof raw === 'string') return [textInput(raw, 'input')];
  if (!Array.isArray(raw)) throw IrError.invalid('input: expected a string or an array', 'input');
  if (raw.length === 0) throw IrError.invalid('input: must not be empty', 'input');
  if (raw.every((v) => typeof v === 'number')) return [{ tokens: tokensOf(raw, 'input'), text: '' }];
  return raw.map((v, i) => (typeof v === 'string' ? textInput(v, `input[${i}]`) : { tokens: tokensOf(v, `input[${i}]`), text: '' }));
}

function textInput(text: string, path: string): EmbedInput {
  if (!text) throw IrError.invalid(`${path}: must not be empty`, path);
  return { text, tokens: [] };
}

function tokensOf(raw: unknown, path: string): number[] {
  if (!Array.isArray(raw) || raw.length === 0) throw IrError.invalid(`${path}: expected a string or a non-empty array of token ids`, path);
  return raw.map((t, i) => {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t > UINT32_MAX) throw IrError.invalid(`${path}[${i}]: expected a token id`, `${path}[${i}]`);
    return t;
  });
}

/** Little-endian float32 bytes, base64: what `encoding_format: "base64"` answers. */
export function float32Base64(values: readonly number[]): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
}
