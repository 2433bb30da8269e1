import type { UpstreamTarget } from '../core/provider-adapter.types';

// Where a Gemini deployment's requests go. The base URL is normally the bare host
// (https://generativelanguage.googleapis.com); the API version comes from options.apiVersion
// (default v1beta, which has systemInstruction, thinkingConfig, responseJsonSchema and
// parametersJsonSchema). A base URL that already ends in a version segment (…/v1beta, …/v1)
// is used as it is and options.apiVersion is not added a second time.

const DEFAULT_API_VERSION = 'v1beta';
const VERSION_SEGMENT = /\/v\d+(?:alpha|beta)?\d*$/;
const API_VERSION = /^v\d+(?:alpha|beta)?\d*$/;

export type GeminiMethod = 'generateContent' | 'streamGenerateContent' | 'countTokens' | 'embedContent' | 'batchEmbedContents';

/** `models/<id>`; an upstream model that already names a resource (`tunedModels/x`) is kept. */
export function geminiModelResource(upstreamModel: string): string {
  return upstreamModel.includes('/') ? upstreamModel : `models/${upstreamModel}`;
}

export function geminiUrl(target: UpstreamTarget, method: GeminiMethod): string {
  const base = target.baseUrl.replace(/\/+$/, '');
  const versioned = VERSION_SEGMENT.test(base) ? base : `${base}/${apiVersion(target)}`;
  // Without alt=sse the stream is one JSON array written piece by piece; SSE frames each
  // GenerateContentResponse on its own (ai.google.dev/api/generate-content#method:-models.streamgeneratecontent).
  const query = method === 'streamGenerateContent' ? '?alt=sse' : '';
  return `${versioned}/${geminiModelResource(target.upstreamModel)}:${method}${query}`;
}

/** Gemini 1.x/2.x: thinking budgets rather than levels, and no thought-signature validation. */
export function isGeminiBefore3(upstreamModel: string): boolean {
  return /(^|\/)gemini-[12](\.|-)/.test(upstreamModel);
}

export function geminiHeaders(target: UpstreamTarget): Record<string, string> {
  return { 'content-type': 'application/json', 'x-goog-api-key': target.apiKey };
}

function apiVersion(target: UpstreamTarget): string {
  const v = target.options['apiVersion'];
  if (v === undefined || v === '') return DEFAULT_API_VERSION;
  // A deployment setting, not the client's request: a plain Error (the gateway's fault).
  if (typeof v !== 'string' || !API_VERSION.test(v)) throw new Error(`gemini: options.apiVersion ${JSON.stringify(v)} is not an API version such as "v1beta" or "v1"`);
  return v;
}
