import { ChatRequest, Dialect, IrError, Reasoning_Effort, ResponseFormat_Type, ToolChoice_Mode } from '@switchyard/ir';
import { filterPassthrough } from '../core/passthrough.policy';
import type { UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import { buildResponsesInput } from './openai-responses.input';
import { INSTRUCTIONS_KEY } from './openai.messages';
import { RESPONSES_PASSTHROUGH } from './openai-responses.passthrough';
import { type OpenAiEndpoint, chatExtensionsOf, headersOf } from './openai.request';
import { azureApiVersion } from './openai.vendors';

// IR → OpenAI Responses API request (POST /responses), for OpenAI and Azure OpenAI deployments
// whose provider sets `options.api: responses`, and for an `openai` provider without `api`
// when the client itself spoke the Responses API (docs/configuration.md). What differs from
// Chat Completions (platform.openai.com/docs/api-reference/responses/create):
// - `store: false` always: the API stores every response by default, in the operator's account
//   (the same reason the chat passthrough table does not forward `store`).
// - max_output_tokens (at least 16, else the API answers 400) instead of max_completion_tokens;
//   no stop sequences and no n: refused, since dropping them would change the answer unseen;
//   seed, penalties, top_k and logit_bias do not exist: dropped and listed.
// - function tools are flat ({type, name, description, parameters, strict}) and `strict`
//   defaults to true, so it is always written.
// - response_format is text.format; reasoning effort is reasoning.effort, with a summary asked
//   for (options.reasoningSummary, default auto; `none` for organisations not verified for
//   summaries) and include reasoning.encrypted_content, so that reasoning can be replayed
//   with store off.

type Json = Record<string, unknown>;

/** The OpenAI wire a deployment speaks (`providers[].options.api`); chat is the default. */
export const OPENAI_APIS = ['chat', 'responses'] as const;
export type OpenAiApi = (typeof OPENAI_APIS)[number];
/** `providers[].options.reasoningSummary` for the Responses API. */
export const RESPONSES_REASONING_SUMMARIES = ['auto', 'concise', 'detailed', 'none'] as const;

// The first dated Azure api-version with the Responses API; the v1 API has it too.
const AZURE_FIRST_RESPONSES_VERSION = '2025-03-01';
const MIN_OUTPUT_TOKENS = 16;

const EFFORT: Record<number, string | undefined> = {
  [Reasoning_Effort.EFFORT_MINIMAL]: 'minimal',
  [Reasoning_Effort.EFFORT_LOW]: 'low',
  [Reasoning_Effort.EFFORT_MEDIUM]: 'medium',
  [Reasoning_Effort.EFFORT_HIGH]: 'high',
};

// Forwarded OpenAI-dialect extras that the Responses API names the same or elsewhere; the rest
// have no Responses equivalent and are dropped (web_search_options is refused: without it the
// model would answer from memory without saying so).
const SAME_NAME = new Set(['user', 'safety_identifier', 'metadata', 'prompt_cache_key', 'service_tier', 'store', 'prompt_cache_retention']);
// Extension keys written elsewhere than under their own name (text.verbosity, reasoning.effort).
const MAPPED = new Set(['verbosity', 'reasoning_effort']);

/**
 * Which API a call is written in: the provider's `options.api` when set; else the Responses API
 * for a Responses-API client on OpenAI itself (the answer keeps its reasoning items and their
 * encrypted content), Chat Completions otherwise. Azure is switched only explicitly: its
 * Responses API exists only in some regions and API versions. Anything else is a configuration error.
 */
export function openAiApiOf(target: UpstreamTarget, endpoint: OpenAiEndpoint, req?: ChatRequest): OpenAiApi {
  const api = target.options['api'];
  if (api === undefined || api === '') return endpoint === 'openai' && req?.meta?.dialect === Dialect.DIALECT_OPENAI_RESPONSES ? 'responses' : 'chat';
  if (api === 'chat') return 'chat';
  if (api === 'responses' && endpoint !== 'compatible') return 'responses';
  throw new Error(`options.api "${String(api)}" is not available for this provider type (chat${endpoint === 'compatible' ? '' : ' or responses'})`);
}

export function buildResponsesRequest(req: ChatRequest, target: UpstreamTarget, endpoint: OpenAiEndpoint): UpstreamHttpRequest {
  const dropped = new Set<string>();
  const body: Json = {};
  const ext = extensionsOf(req, target, dropped);
  // Passthrough first so modelled fields always win over a client's extras.
  for (const [key, value] of Object.entries(ext)) if (!key.startsWith('$') && !MAPPED.has(key)) body[key] = value;
  body['model'] = target.upstreamModel;
  const { instructions, input } = buildResponsesInput(req.system, req.messages, ext[INSTRUCTIONS_KEY], dropped);
  if (instructions !== undefined) body['instructions'] = instructions;
  body['input'] = input;
  writeTools(req, body);
  writeText(req, body, ext);
  writeReasoning(req, body, target, ext);
  writeSampling(req, body, dropped);
  // An OpenAI client that sent safety_identifier gets it as sent, not doubled into `user`.
  const endUser = req.meta?.endUserId;
  if (endUser && ext['safety_identifier'] !== endUser) body['user'] = endUser;
  body['store'] = ext['store'] ?? false;
  if (req.stream) body['stream'] = true;
  const http: UpstreamHttpRequest = { url: responsesUrl(target, endpoint), headers: headersOf(target, endpoint), body: JSON.stringify(body), wire: 'responses' };
  if (dropped.size) http.dropped = [...dropped];
  return http;
}

function extensionsOf(req: ChatRequest, target: UpstreamTarget, dropped: Set<string>): Json {
  const json = req.extensions?.json;
  if (json && req.extensions?.dialect === Dialect.DIALECT_OPENAI_RESPONSES) return filterPassthrough(RESPONSES_PASSTHROUGH, JSON.parse(json) as Json, target.passthrough, dropped);
  // Another dialect's extras are dropped as on the Chat Completions wire; a Chat Completions
  // client's are those its policy allows there, then kept only where the Responses API has them.
  const forwarded = chatExtensionsOf(req, target, dropped);
  for (const key of Object.keys(forwarded)) {
    if (key.startsWith('$') || SAME_NAME.has(key) || MAPPED.has(key)) continue;
    if (key === 'web_search_options') throw IrError.invalid('web_search_options: not supported by this upstream (OpenAI Responses API); remove it', key);
    dropped.add(key);
    delete forwarded[key];
  }
  return forwarded;
}

function writeTools(req: ChatRequest, body: Json): void {
  if (!req.tools?.length) return;
  body['tools'] = req.tools.map((t) => {
    const tool: Json = { type: 'function', name: t.name };
    if (t.description) tool['description'] = t.description;
    tool['parameters'] = t.parametersJson ? JSON.parse(t.parametersJson) : { type: 'object', properties: {} };
    tool['strict'] = t.strict;
    return tool;
  });
  const tc = req.toolChoice;
  if (!tc) return;
  const mode = tc.mode ?? ToolChoice_Mode.MODE_UNSPECIFIED;
  if (mode === ToolChoice_Mode.MODE_AUTO) body['tool_choice'] = 'auto';
  else if (mode === ToolChoice_Mode.MODE_NONE) body['tool_choice'] = 'none';
  else if (mode === ToolChoice_Mode.MODE_REQUIRED) body['tool_choice'] = 'required';
  else if (mode === ToolChoice_Mode.MODE_NAMED) body['tool_choice'] = { type: 'function', name: tc.name };
  if (tc.disableParallel) body['parallel_tool_calls'] = false;
}

function writeText(req: ChatRequest, body: Json, ext: Json): void {
  const text: Json = {};
  const rf = req.responseFormat;
  if (rf?.type === ResponseFormat_Type.TYPE_JSON_OBJECT) text['format'] = { type: 'json_object' };
  else if (rf?.type === ResponseFormat_Type.TYPE_TEXT) text['format'] = { type: 'text' };
  else if (rf?.type === ResponseFormat_Type.TYPE_JSON_SCHEMA) {
    text['format'] = { type: 'json_schema', name: rf.schemaName || 'response', schema: rf.schemaJson ? JSON.parse(rf.schemaJson) : {}, strict: rf.strict };
  }
  if (typeof ext['verbosity'] === 'string') text['verbosity'] = ext['verbosity'];
  if (Object.keys(text).length) body['text'] = text;
}

function writeReasoning(req: ChatRequest, body: Json, target: UpstreamTarget, ext: Json): void {
  const r = req.reasoning;
  // An OpenAI client's "none" / "xhigh" (no IR value) arrive verbatim in extensions.
  const verbatim = typeof ext['reasoning_effort'] === 'string' ? ext['reasoning_effort'] : undefined;
  const effort = verbatim ?? (r ? (EFFORT[r.effort] ?? (r.budgetTokens !== undefined ? 'medium' : undefined)) : undefined);
  if (!effort) return;
  const reasoning: Json = { effort };
  const summary = target.options['reasoningSummary'] ?? 'auto';
  if (summary !== 'none' && effort !== 'none') reasoning['summary'] = summary;
  body['reasoning'] = reasoning;
  if (effort !== 'none') body['include'] = ['reasoning.encrypted_content'];
}

function writeSampling(req: ChatRequest, body: Json, dropped: Set<string>): void {
  const s = req.sampling;
  if (!s) return;
  if (s.maxTokens !== undefined) {
    if (s.maxTokens < MIN_OUTPUT_TOKENS) throw IrError.invalid(`max_tokens: at least ${MIN_OUTPUT_TOKENS} for this upstream (OpenAI Responses API)`, 'max_tokens');
    body['max_output_tokens'] = s.maxTokens;
  }
  if (s.temperature !== undefined) body['temperature'] = s.temperature;
  if (s.topP !== undefined) body['top_p'] = s.topP;
  if (s.stop?.length) throw IrError.invalid('stop: stop sequences are not supported by this upstream (OpenAI Responses API)', 'stop');
  if (s.n !== undefined && s.n > 1) throw IrError.invalid('n: at most 1 choice for this upstream (OpenAI Responses API)', 'n');
  if (s.logprobs) {
    body['include'] = [...((body['include'] as string[] | undefined) ?? []), 'message.output_text.logprobs'];
    body['top_logprobs'] = s.topLogprobs ?? 0;
  }
  if (s.topK !== undefined) dropped.add('top_k');
  if (s.seed !== undefined) dropped.add('seed');
  if (s.presencePenalty !== undefined) dropped.add('presence_penalty');
  if (s.frequencyPenalty !== undefined) dropped.add('frequency_penalty');
}

/**
 * OpenAI: {base}/responses. Azure (learn.microsoft.com/azure/ai-foundry/openai/how-to/responses):
 * the v1 API's /openai/v1/responses (also when no apiVersion is set, since the default dated
 * version predates the Responses API), or /openai/responses?api-version= for a dated version
 * from 2025-03-01-preview on; either way the deployment name is the body's `model`.
 */
export function responsesUrl(target: UpstreamTarget, endpoint: OpenAiEndpoint): string {
  const base = target.baseUrl.replace(/\/+$/, '');
  if (endpoint !== 'azure') return `${base}/responses`;
  const version = target.options['apiVersion'] === undefined ? 'v1' : azureApiVersion(target);
  if (version === 'v1') return `${base}/openai/v1/responses`;
  if (version < AZURE_FIRST_RESPONSES_VERSION) throw new Error(`azure-openai apiVersion ${version} has no Responses API: use v1, or ${AZURE_FIRST_RESPONSES_VERSION}-preview or later`);
  return `${base}/openai/responses?api-version=${encodeURIComponent(version)}`;
}
