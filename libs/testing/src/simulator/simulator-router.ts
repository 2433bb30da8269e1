import type { IncomingHttpHeaders } from 'node:http';
import { anthropicWire } from './anthropic.wire';
import { GEMINI_ALT_SSE_REQUIRED, geminiWire } from './gemini.wire';
import { openAiWire } from './openai.wire';
import type { ProviderWire } from './provider-wire.types';
import type { SimulatedError } from './simulator-scenario.types';

export interface SimulatorRoute {
  readonly wire: ProviderWire;
  readonly kind: 'generate' | 'models';
  /** The model named by the path: an Azure deployment or a Gemini model. */
  readonly pathModel?: string;
  /** Gemini decides streaming by the path; the other wires by the body's `stream` flag. */
  readonly pathStream?: boolean;
  /** A request shape the simulator refuses, answered with this error. */
  readonly rejection?: SimulatedError;
}

const OPENAI_GENERATE: SimulatorRoute = { wire: openAiWire, kind: 'generate' };
const ANTHROPIC_GENERATE: SimulatorRoute = { wire: anthropicWire, kind: 'generate' };
const MODEL_LISTS: Record<ProviderWire['provider'], SimulatorRoute> = {
  openai: { wire: openAiWire, kind: 'models' },
  anthropic: { wire: anthropicWire, kind: 'models' },
  gemini: { wire: geminiWire, kind: 'models' },
};
// Azure OpenAI names the deployment in the path: /openai/deployments/{deployment}/chat/completions.
const AZURE_PATH = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;
// Gemini: /{v1beta|v1|v1alpha}/models/{model}:{generateContent|streamGenerateContent}.
const GEMINI_PATH = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** Which provider endpoint a request is for, or undefined when the simulator has none. */
export function resolveRoute(
  method: string,
  path: string,
  query: Readonly<Record<string, string>>,
  headers: IncomingHttpHeaders,
): SimulatorRoute | undefined {
  if (method === 'GET') return modelListRoute(path, query, headers);
  if (method !== 'POST') return undefined;
  if (path === '/v1/chat/completions' || path === '/chat/completions') return OPENAI_GENERATE;
  if (path === '/v1/messages') return ANTHROPIC_GENERATE;
  const azure = AZURE_PATH.exec(path);
  if (azure) return { ...OPENAI_GENERATE, pathModel: decodeURIComponent(azure[1]) };
  const gemini = GEMINI_PATH.exec(path);
  if (!gemini) return undefined;
  const stream = gemini[2] === 'streamGenerateContent';
  // Without alt=sse the real API streams one JSON array; the simulator only speaks SSE and says so.
  const rejection = stream && query['alt'] !== 'sse' ? GEMINI_ALT_SSE_REQUIRED : undefined;
  return { wire: geminiWire, kind: 'generate', pathModel: decodeURIComponent(gemini[1]), pathStream: stream, rejection };
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
