import { ChatRequest, Dialect, IrError } from '@switchyard/ir';
import type { PathParams } from '../dialect.types';
import { JsonObject, expectBody, expectObject, optString } from '../json-guards';
import { parseGenerationConfig, parseToolConfig, parseTools } from './gemini-config.parse';
import { parseGeminiContents, parseSystemInstruction } from './gemini-content.parse';
import { field, unknownFields } from './gemini-fields';

// Gemini generateContent / streamGenerateContent / countTokens bodies → IR. Reference:
// ai.google.dev/api/generate-content and the GenerateContentParameters of @google/genai. The
// model and the streaming flag come from the URL (`/v1beta/models/{model}:streamGenerateContent`).
// Fields the IR does not model (safetySettings, cachedContent, labels, server-side tools, ...)
// travel in `extensions` as a partial request body for a Gemini upstream.

const MODELLED = new Set(['model', 'contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig']);

export function parseGeminiChatRequest(raw: unknown, path?: PathParams): ChatRequest {
  const body = expectBody(raw);
  return parseGenerateContent(body, modelOf(path), path?.stream ?? false, '');
}

/**
 * countTokens takes either `contents` alone or a whole `generateContentRequest`
 * (ai.google.dev/api/tokens#method:-models.counttokens); both at once is an error there too.
 */
export function parseGeminiCountTokens(raw: unknown, path?: PathParams): ChatRequest {
  const body = expectBody(raw);
  const model = modelOf(path);
  const inner = field(body, 'generateContentRequest');
  if (inner === undefined || inner === null) {
    const extra = unknownFields(body, new Set(['contents']));
    if (extra) throw IrError.invalid(`${Object.keys(extra)[0]}: unknown field; send it inside generateContentRequest`, Object.keys(extra)[0]);
    return parseGenerateContent({ contents: field(body, 'contents') }, model, false, '');
  }
  if (field(body, 'contents') !== undefined) {
    throw IrError.invalid('contents: set contents or generateContentRequest, not both', 'contents');
  }
  const request = expectObject(inner, 'generateContentRequest');
  optString(field(request, 'model'), 'generateContentRequest.model');
  return parseGenerateContent(request, model, false, 'generateContentRequest.');
}

function modelOf(path: PathParams | undefined): string {
  const model = (path?.model ?? '').replace(/^models\//, '');
  if (!model) throw IrError.invalid('model: the URL names no model (expected /v1beta/models/{model}:generateContent)', 'model');
  return model;
}

function parseGenerateContent(body: JsonObject, model: string, stream: boolean, prefix: string): ChatRequest {
  const dropped: string[] = [];
  const extra: JsonObject = unknownFields(body, MODELLED) ?? {};
  const messages = prefixed(prefix, () => parseGeminiContents(field(body, 'contents'), 'contents', dropped));
  const system = prefixed(prefix, () => parseSystemInstruction(field(body, 'systemInstruction'), dropped));
  const declared = prefixed(prefix, () => parseTools(field(body, 'tools'), extra, dropped));
  const { tools, toolChoice } = prefixed(prefix, () => parseToolConfig(field(body, 'toolConfig'), declared, extra, dropped));
  const { sampling, responseFormat, reasoning } = prefixed(prefix, () => parseGenerationConfig(field(body, 'generationConfig'), extra));

  const request: ChatRequest = {
    model,
    system,
    messages,
    tools,
    toolChoice,
    sampling,
    responseFormat,
    reasoning,
    stream,
    // Gemini reports usageMetadata on every response; there is no opt-in.
    includeUsage: true,
    meta: { dialect: Dialect.DIALECT_GEMINI, requestId: '', tenantId: '', keyId: '', endUserId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
    droppedParams: dropped.map((d) => prefix + d),
  };
  if (Object.keys(extra).length) request.extensions = { dialect: Dialect.DIALECT_GEMINI, json: JSON.stringify(extra) };
  return request;
}

/** Runs a parser whose field names are relative to `prefix`, naming the full path in errors. */
function prefixed<T>(prefix: string, parse: () => T): T {
  if (!prefix) return parse();
  try {
    return parse();
  } catch (e) {
    if (e instanceof IrError && e.param !== undefined) throw new IrError(e.kind, prefix + e.message, prefix + e.param, e.retryAfterMs);
    throw e;
  }
}
