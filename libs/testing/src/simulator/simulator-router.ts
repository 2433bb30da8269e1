import type { IncomingHttpHeaders } from 'node:http';
import { anthropicCountTokensEndpoint } from './anthropic-count-tokens.endpoint';
import { anthropicWire } from './anthropic.wire';
import { geminiCountTokensEndpoint } from './gemini-count-tokens.endpoint';
import { geminiBatchEmbedContentsEndpoint, geminiEmbedContentEndpoint } from './gemini-embeddings.endpoint';
import { GEMINI_ALT_SSE_REQUIRED, geminiWire } from './gemini.wire';
import { openAiEmbeddingsEndpoint } from './openai-embeddings.endpoint';
import { openAiResponsesWire } from './openai-responses.wire';
import type { MediaKind } from './openai-media.endpoint';
import { openAiWire } from './openai.wire';
import type { JsonEndpoint, ProviderWire } from './provider-wire.types';
import type { WireVariant } from './simulated-turn';
import type { SimulatedError } from './simulator-scenario.types';

export interface SimulatorRoute {
  readonly wire: ProviderWire;
  /** `endpoint`: a JSON-only endpoint beside chat (embeddings, token counting). */
  readonly kind: 'generate' | 'models' | 'endpoint' | 'media';
  readonly endpoint?: JsonEndpoint;
  /** `media`: OpenAI's images and audio endpoints (openai-media.endpoint.ts). */
  readonly media?: MediaKind;
  readonly variant: WireVariant;
  /** The model named by the path: an Azure deployment or a Gemini model. */
  readonly pathModel?: string;
  /** Gemini decides streaming by the path; the other wires by the body's `stream` flag. */
  readonly pathStream?: boolean;
  /** A request shape the simulator refuses, answered with this error. */
  readonly rejection?: SimulatedError;
}

const STANDARD = 'standard';
const OPENAI_CHAT: SimulatorRoute = { wire: openAiWire, kind: 'generate', variant: STANDARD };
const OPENAI_EMBEDDINGS: SimulatorRoute = { wire: openAiWire, kind: 'endpoint', endpoint: openAiEmbeddingsEndpoint, variant: STANDARD };
const AZURE_V1_CHAT: SimulatorRoute = { ...OPENAI_CHAT, variant: 'azure' };
const OPENAI_RESPONSES: SimulatorRoute = { wire: openAiResponsesWire, kind: 'generate', variant: STANDARD };
const AZURE_V1_RESPONSES: SimulatorRoute = { ...OPENAI_RESPONSES, variant: 'azure' };
const AZURE_V1_EMBEDDINGS: SimulatorRoute = { ...OPENAI_EMBEDDINGS, variant: 'azure' };
const ANTHROPIC_CHAT: SimulatorRoute = { wire: anthropicWire, kind: 'generate', variant: STANDARD };
const ANTHROPIC_COUNT: SimulatorRoute = { wire: anthropicWire, kind: 'endpoint', endpoint: anthropicCountTokensEndpoint, variant: STANDARD };
const media = (kind: MediaKind, variant: WireVariant = STANDARD): SimulatorRoute => ({ wire: openAiWire, kind: 'media', media: kind, variant });
const MEDIA_PATHS: Readonly<Record<string, MediaKind>> = { 'images/generations': 'images', 'audio/speech': 'speech', 'audio/transcriptions': 'transcriptions' };
const FIXED_PATHS: Readonly<Record<string, SimulatorRoute>> = {
  ...Object.fromEntries(Object.entries(MEDIA_PATHS).flatMap(([path, kind]) => [[`/v1/${path}`, media(kind)], [`/${path}`, media(kind)], [`/openai/v1/${path}`, media(kind, 'azure')]])),
  '/v1/chat/completions': OPENAI_CHAT,
  '/chat/completions': OPENAI_CHAT,
  '/v1/embeddings': OPENAI_EMBEDDINGS,
  '/embeddings': OPENAI_EMBEDDINGS,
  // Azure's v1 API: OpenAI's paths under /openai/v1, the deployment in the body's `model`, no
  // api-version (learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle).
  '/openai/v1/chat/completions': AZURE_V1_CHAT,
  '/openai/v1/embeddings': AZURE_V1_EMBEDDINGS,
  '/v1/responses': OPENAI_RESPONSES,
  '/responses': OPENAI_RESPONSES,
  '/openai/v1/responses': AZURE_V1_RESPONSES,
  '/v1/messages': ANTHROPIC_CHAT,
  '/v1/messages/count_tokens': ANTHROPIC_COUNT,
};
const MODEL_LISTS: Record<ProviderWire['provider'], SimulatorRoute> = {
  openai: { wire: openAiWire, kind: 'models', variant: STANDARD },
  anthropic: { wire: anthropicWire, kind: 'models', variant: STANDARD },
  gemini: { wire: geminiWire, kind: 'models', variant: STANDARD },
};
const GEMINI_ENDPOINTS: Readonly<Record<string, JsonEndpoint>> = {
  countTokens: geminiCountTokensEndpoint,
  embedContent: geminiEmbedContentEndpoint,
  batchEmbedContents: geminiBatchEmbedContentsEndpoint,
};

// Azure OpenAI names the deployment in the path: /openai/deployments/{deployment}/{operation}.
const AZURE_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings|images\/generations|audio\/speech|audio\/transcriptions)$/;
// Without ?api-version= Azure answers 404 with this body (github.com/MicrosoftDocs/azure-docs/issues/114602).
const AZURE_NO_API_VERSION: SimulatedError = { status: 404, body: { error: { code: '404', message: 'Resource not found' } } };
// Gemini: /{v1beta|v1|v1alpha}/models/{model}:{method}.
const GEMINI_PATH = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents)$/;

/** Which provider endpoint a request is for, or undefined when the simulator has none. */
export function resolveRoute(
  method: string,
  path: string,
  query: Readonly<Record<string, string>>,
  headers: IncomingHttpHeaders,
): SimulatorRoute | undefined {
  if (method === 'GET') return modelListRoute(path, query, headers);
  if (method !== 'POST') return undefined;
  const fixed = FIXED_PATHS[path];
  if (fixed) return fixed;
  // Azure's preview Responses API: the deployment in the body's `model`, ?api-version= required
  // (learn.microsoft.com/azure/ai-foundry/openai/how-to/responses).
  if (path === '/openai/responses') return { ...AZURE_V1_RESPONSES, rejection: query['api-version'] ? undefined : AZURE_NO_API_VERSION };
  const azure = AZURE_PATH.exec(path);
  if (azure) {
    const mediaKind = MEDIA_PATHS[azure[2]];
    const base = mediaKind ? media(mediaKind) : azure[2] === 'embeddings' ? OPENAI_EMBEDDINGS : OPENAI_CHAT;
    const rejection = query['api-version'] ? undefined : AZURE_NO_API_VERSION;
    return { ...base, variant: 'azure', pathModel: decodeURIComponent(azure[1]), rejection };
  }
  const gemini = GEMINI_PATH.exec(path);
  if (!gemini) return undefined;
  const pathModel = decodeURIComponent(gemini[1]);
  const endpoint = GEMINI_ENDPOINTS[gemini[2]];
  if (endpoint) return { wire: geminiWire, kind: 'endpoint', endpoint, variant: STANDARD, pathModel };
  const stream = gemini[2] === 'streamGenerateContent';
  // Without alt=sse the real API streams one JSON array; the simulator only speaks SSE and says so.
  const rejection = stream && query['alt'] !== 'sse' ? GEMINI_ALT_SSE_REQUIRED : undefined;
  return { wire: geminiWire, kind: 'generate', variant: STANDARD, pathModel, pathStream: stream, rejection };
}

// GET /v1/models is shared by all three; the credentials header tells them apart.
function modelListRoute(
  path: string,
  query: Readonly<Record<string, string>>,
  headers: IncomingHttpHeaders,
): SimulatorRoute | undefined {
  if (path === '/v1beta/models') return MODEL_LISTS.gemini;
  if (path !== '/v1/models' && path !== '/models') return undefined;
  if (headers['anthropic-version'] !== undefined) return MODEL_LISTS.anthropic;
  if (headers['x-goog-api-key'] !== undefined || query['key'] !== undefined) return MODEL_LISTS.gemini;
  return MODEL_LISTS.openai;
}
