import { EmbedRequest, EmbedResponse, IrError } from '@switchyard/ir';
import type { UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import { geminiHeaders, geminiModelResource, geminiUrl } from './gemini.target';
import type { GeminiJson } from './gemini.types';

// Embeddings (ai.google.dev/api/embeddings): one input → models/x:embedContent, answered with
// {"embedding":{"values":[…]}}; several → models/x:batchEmbedContents, whose requests each name
// the model again and whose answer is {"embeddings":[{"values":[…]}, …]} in input order.
// The Gemini API reports no token usage for embeddings, so the response has none: whoever
// bills it has to estimate.

export function buildGeminiEmbedRequest(req: EmbedRequest, target: UpstreamTarget): UpstreamHttpRequest {
  const inputs = req.inputs;
  if (inputs.length === 0) throw IrError.invalid('input: at least one input is needed', 'input');
  const requests = inputs.map((input, i) => {
    if (input.tokens?.length) throw IrError.invalid(`input[${i}]: Gemini embeds text, not token ids`, `input[${i}]`);
    const r: GeminiJson = { content: { parts: [{ text: input.text }] } };
    if (req.taskType) r['taskType'] = req.taskType;
    if (req.title) r['title'] = req.title;
    if (req.dimensions !== undefined) r['outputDimensionality'] = req.dimensions;
    return r;
  });
  const headers = geminiHeaders(target);
  if (requests.length === 1) return { url: geminiUrl(target, 'embedContent'), headers, body: JSON.stringify(requests[0]) };
  const model = geminiModelResource(target.upstreamModel);
  return { url: geminiUrl(target, 'batchEmbedContents'), headers, body: JSON.stringify({ requests: requests.map((r) => ({ model, ...r })) }) };
}

export function parseGeminiEmbedResponse(raw: unknown): EmbedResponse {
  const body = raw as { embedding?: { values?: unknown }; embeddings?: { values?: unknown }[] } | null;
  const list = body?.embedding ? [body.embedding] : body?.embeddings;
  if (!Array.isArray(list)) throw new Error('upstream embedding response has no embeddings');
  return {
    embeddings: list.map((e, index) => {
      if (!Array.isArray(e?.values)) throw new Error(`upstream embedding ${index} has no values`);
      return { index, values: e.values as number[] };
    }),
    usageEstimated: false,
  };
}

/** countTokens answers {"totalTokens": n}; proto3 JSON leaves out a zero. */
export function parseGeminiCountTokensResponse(raw: unknown): number {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('upstream countTokens response is not an object');
  const total = (raw as { totalTokens?: unknown }).totalTokens ?? 0;
  if (typeof total !== 'number') throw new Error('upstream countTokens response has no totalTokens');
  return total;
}
