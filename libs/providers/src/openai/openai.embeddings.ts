import { EmbedRequest, EmbedResponse } from '@switchyard/ir';
import type { UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import { OpenAiEndpoint, azureUrl, headersOf } from './openai.request';
import { azureApiVersion } from './openai.vendors';

// Embeddings for the OpenAI family (platform.openai.com/docs/api-reference/embeddings). The
// upstream is always asked for floats: the dialect encodes base64 itself when its client
// asked for it. Servers that answer base64 anyway are decoded (little-endian float32).

interface OpenAiEmbedResponse {
  data?: { index?: number; embedding?: number[] | string }[];
  usage?: { prompt_tokens?: number; total_tokens?: number } | null;
}

export function buildOpenAiEmbedRequest(req: EmbedRequest, target: UpstreamTarget, endpoint: OpenAiEndpoint): UpstreamHttpRequest {
  const inputs = req.inputs;
  const input = inputs.map((i) => (i.tokens?.length ? i.tokens : (i.text)));
  const body: Record<string, unknown> = {};
  if (endpoint !== 'azure' || azureApiVersion(target) === 'v1') body['model'] = target.upstreamModel;
  // One string stays a string: some compatible servers accept only that shape for one input.
  body['input'] = input.length === 1 && typeof input[0] === 'string' ? input[0] : input;
  if (req.dimensions !== undefined) body['dimensions'] = req.dimensions;
  body['encoding_format'] = 'float';
  if (req.meta?.endUserId) body['user'] = req.meta.endUserId;
  const url = endpoint === 'azure' ? azureUrl(target, 'embeddings') : `${target.baseUrl.replace(/\/+$/, '')}/embeddings`;
  return { url, headers: headersOf(target, endpoint), body: JSON.stringify(body) };
}

export function parseOpenAiEmbedResponse(raw: unknown): EmbedResponse {
  const body = raw as OpenAiEmbedResponse | null;
  if (!body || !Array.isArray(body.data)) throw new Error('upstream embeddings response has no data');
  const embeddings = body.data.map((d, i) => ({ index: d.index ?? i, values: typeof d.embedding === 'string' ? decodeFloat32(d.embedding) : (d.embedding ?? []) }));
  embeddings.sort((a, b) => a.index - b.index);
  return { embeddings, usage: { inputTokens: body.usage?.prompt_tokens ?? 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, usageEstimated: false };
}

function decodeFloat32(b64: string): number[] {
  const bytes = Buffer.from(b64, 'base64');
  const out: number[] = new Array(bytes.length >> 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
