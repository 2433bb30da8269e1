// Span attribute names, declared once (STYLE.md rule 4).
//
// GenAI and RPC names are the OpenTelemetry semantic conventions' (GenAI conventions as
// published in @opentelemetry/semantic-conventions 1.45, `incubating` entry point; they are
// still "development" status, so they are copied here rather than imported from that entry
// point, as its README recommends). Ours are namespaced `switchyard.*`. Never a prompt, a
// completion or a secret: the key's id, never the key.

export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestStream: 'gen_ai.request.stream',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  // Content, opt-in only (a tenant's `observability.captureContent`): JSON text, never on a span
  // of a tenant that did not opt in.
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
} as const;

/**
 * The conventions' event that carries a request's content (opt-in). Semantic conventions for
 * Generative AI events, "Event: gen_ai.client.inference.operation.details" (opentelemetry.io
 * docs/specs/semconv/gen-ai/gen-ai-events); it replaced the per-message `gen_ai.user.message` /
 * `gen_ai.choice` events of 1.36 and earlier.
 */
export const GEN_AI_EVENT = { inferenceDetails: 'gen_ai.client.inference.operation.details' } as const;

/** `gen_ai.operation.name` values we emit (the conventions' well-known values). */
export const GEN_AI_OPERATION = { chat: 'chat', embeddings: 'embeddings' } as const;

export const SEMCONV = {
  errorType: 'error.type',
  httpRequestMethod: 'http.request.method',
  httpResponseStatusCode: 'http.response.status_code',
  httpRoute: 'http.route',
  urlPath: 'url.path',
  serverAddress: 'server.address',
  rpcSystem: 'rpc.system',
  rpcMethod: 'rpc.method',
  messagingSystem: 'messaging.system',
  messagingOperationName: 'messaging.operation.name',
  messagingBatchCount: 'messaging.batch.message_count',
} as const;

export const SWITCHYARD = {
  requestId: 'switchyard.request.id',
  tenantId: 'switchyard.tenant.id',
  keyId: 'switchyard.key.id',
  region: 'switchyard.region',
  model: 'switchyard.model',
  deploymentId: 'switchyard.deployment.id',
  providerId: 'switchyard.provider.id',
  attemptNumber: 'switchyard.attempt.number',
  attemptOutcome: 'switchyard.attempt.outcome',
  attemptHedge: 'switchyard.attempt.hedge',
  attempts: 'switchyard.attempts',
  cacheHit: 'switchyard.cache.hit',
  costUsd: 'switchyard.cost.usd',
  usageStatus: 'switchyard.usage.status',
  /** On the content event: some text was cut to the capture cap (docs/architecture.md §9). */
  contentTruncated: 'switchyard.content.truncated',
} as const;

// Our provider types → the conventions' `gen_ai.provider.name` well-known values; a type
// without one (the OpenAI-compatible family: vLLM, Ollama, DeepSeek behind one type…) is
// reported under its own type id.
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  openai: 'openai',
  'azure-openai': 'azure.ai.openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
};

export function genAiProviderName(providerType: string): string {
  return PROVIDER_NAMES[providerType] ?? providerType;
}
