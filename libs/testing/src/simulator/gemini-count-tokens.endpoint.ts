// Gemini `models/{model}:countTokens` (REST reference ai.google.dev/api/tokens; CountTokensResponse
// in @google/genai). The body holds `contents`, or a whole `generateContentRequest` to count
// with its system instruction and tools, never both. Counted like a generateContent request's
// promptTokenCount; the scenario's `usage` overrides it (and adds cachedContentTokenCount).
import { checkShape, invalid, snakeSet, unknownField } from './gemini.validation';
import { promptTokens } from './prompt-size';
import type { EndpointCall, IncomingCall, JsonEndpoint } from './provider-wire.types';
import type { SimulatedError } from './simulator-scenario.types';

const COUNT_FIELDS = snakeSet(['contents', 'generateContentRequest']);

export const geminiCountTokensEndpoint: JsonEndpoint = { validate, answer };

function answer({ body, scenario }: EndpointCall): unknown {
  const request = body['generateContentRequest'] ?? body['generate_content_request'] ?? body;
  const total = scenario.usage?.input ?? promptTokens(request, 'gemini');
  const cached = scenario.usage?.cachedInput ?? 0;
  return {
    totalTokens: total,
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }],
  };
}

function validate({ body }: IncomingCall): SimulatedError | undefined {
  const request = body['generateContentRequest'] ?? body['generate_content_request'];
  const extra = unknownField(body, COUNT_FIELDS, '');
  if (extra) return extra;
  if (request !== undefined && body['contents'] !== undefined) {
    return invalid('contents and generate_content_request are mutually exclusive; set only one of them.');
  }
  if (request === undefined) return checkShape({ contents: body['contents'] });
  return typeof request === 'object' && request !== null ? checkShape(request as Record<string, unknown>, 'generate_content_request.') : undefined;
}
