import { ChatRequest, Dialect, Reasoning_Effort, ResponseFormat_Type, ToolChoice_Mode } from '@switchyard/ir';
import { dropForeign, filterPassthrough } from '../core/passthrough.policy';
import type { UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import { sameFamilyHeader } from '../core/vendor-headers';
import { PASSTHROUGH_RULES } from '../passthrough-rules';
import { INSTRUCTIONS_KEY, buildOpenAiMessages } from './openai.messages';
import { OPENAI_PASSTHROUGH } from './openai.passthrough';
import { OpenAiVendorProfile, azureApiVersion, refuse } from './openai.vendors';

// IR → OpenAI Chat Completions request for one vendor profile (openai.vendors.ts).

type Json = Record<string, unknown>;

/** Which endpoint family the adapter serves: OpenAI itself, Azure OpenAI, or a compatible server. */
export type OpenAiEndpoint = 'openai' | 'azure' | 'compatible';

const EFFORT: Record<number, string | undefined> = {
  [Reasoning_Effort.EFFORT_MINIMAL]: 'minimal',
  [Reasoning_Effort.EFFORT_LOW]: 'low',
  [Reasoning_Effort.EFFORT_MEDIUM]: 'medium',
  [Reasoning_Effort.EFFORT_HIGH]: 'high',
};

// DeepSeek's thinking models ignore these (api-docs.deepseek.com/guides/reasoning_model) and
// answer 400 to logprobs.
const THINKING_MODEL = /reasoner/;
const IGNORED_WHEN_THINKING = ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty'] as const;

export function buildOpenAiRequest(req: ChatRequest, target: UpstreamTarget, profile: OpenAiVendorProfile, endpoint: OpenAiEndpoint): UpstreamHttpRequest {
  const dropped = new Set<string>();
  const body: Json = {};
  const ext = chatExtensionsOf(req, target, dropped);
  const instructions = ext[INSTRUCTIONS_KEY];
  delete ext[INSTRUCTIONS_KEY];
  // Passthrough first so modelled fields always win over a client's extras.
  Object.assign(body, ext);
  const azureDated = endpoint === 'azure' && azureApiVersion(target) !== 'v1';
  // Dated Azure versions take the deployment from the URL.
  if (azureDated) delete body['model'];
  else body['model'] = target.upstreamModel;
  body['messages'] = buildOpenAiMessages(req.system, req.messages, { profile, dropped, instructions });

  writeSampling(req, body, profile, target, dropped);
  writeTools(req, body, profile, dropped);
  writeReasoning(req, body, profile, ext, dropped);
  const rf = req.responseFormat;
  if (rf?.type === ResponseFormat_Type.TYPE_JSON_OBJECT) body['response_format'] = { type: 'json_object' };
  else if (rf?.type === ResponseFormat_Type.TYPE_TEXT) body['response_format'] = { type: 'text' };
  else if (rf?.type === ResponseFormat_Type.TYPE_JSON_SCHEMA) {
    body['response_format'] = { type: 'json_schema', json_schema: { name: rf.schemaName || 'response', schema: rf.schemaJson ? JSON.parse(rf.schemaJson) : {}, strict: rf.strict } };
  }
  // An OpenAI client that sent safety_identifier gets it as sent, not doubled into `user`.
  const endUser = req.meta?.endUserId;
  if (endUser && ext['safety_identifier'] !== endUser) {
    if (profile.user) body['user'] = endUser;
    else dropped.add('user');
  }
  if (req.stream) {
    body['stream'] = true;
    // Always ask for usage: billing needs it even when the client did not.
    body['stream_options'] = { include_usage: true };
  } else {
    delete body['stream'];
    delete body['stream_options'];
  }
  const http: UpstreamHttpRequest = { url: urlOf(target, endpoint), headers: headersOf(target, endpoint, req), body: JSON.stringify(body) };
  if (dropped.size) http.dropped = [...dropped];
  return http;
}

/**
 * OpenAI-dialect extras the provider's passthrough policy allows, merged as sent (the others
 * dropped or refused, openai.passthrough.ts); another dialect's are listed as dropped, key by
 * key, or refused where its own rules refuse them.
 */
export function chatExtensionsOf(req: ChatRequest, target: UpstreamTarget, dropped: Set<string>): Json {
  const json = req.extensions?.json;
  if (!json) return {};
  const ext = JSON.parse(json) as Json;
  const dialect = req.extensions?.dialect ?? Dialect.DIALECT_UNSPECIFIED;
  if (dialect === Dialect.DIALECT_OPENAI) return filterPassthrough(OPENAI_PASSTHROUGH, ext, target.passthrough, dropped);
  dropForeign(PASSTHROUGH_RULES[dialect], ext, dropped);
  return {};
}

function writeSampling(req: ChatRequest, body: Json, profile: OpenAiVendorProfile, target: UpstreamTarget, dropped: Set<string>): void {
  const s = req.sampling;
  if (!s) return;
  const thinking = profile.vendor === 'deepseek' && THINKING_MODEL.test(target.upstreamModel);
  if (s.maxTokens !== undefined) body[maxTokensName(profile, s.maxTokensField)] = s.maxTokens;
  if (s.temperature !== undefined) {
    const { min, max } = profile.temperature;
    if (s.temperature < min || s.temperature > max) refuse(profile, 'temperature', `must be between ${min} and ${max}`);
    body['temperature'] = s.temperature;
  }
  if (s.topP !== undefined) body['top_p'] = s.topP;
  if (s.topK !== undefined) {
    if (profile.topK) body['top_k'] = s.topK;
    else dropped.add('top_k');
  }
  if (s.stop?.length) body['stop'] = s.stop;
  if (s.seed !== undefined) body['seed'] = s.seed;
  if (s.presencePenalty !== undefined) body['presence_penalty'] = s.presencePenalty;
  if (s.frequencyPenalty !== undefined) body['frequency_penalty'] = s.frequencyPenalty;
  if (s.n !== undefined && s.n > profile.maxN) refuse(profile, 'n', `at most ${profile.maxN} choice${profile.maxN === 1 ? '' : 's'}`);
  if (s.n !== undefined && profile.maxN > 1) body['n'] = s.n;
  if (s.logprobs) {
    if (!profile.logprobs || thinking) refuse(profile, 'logprobs', 'log probabilities are not available');
    body['logprobs'] = true;
    if (s.topLogprobs !== undefined) body['top_logprobs'] = s.topLogprobs;
  }
  if (thinking) {
    for (const field of IGNORED_WHEN_THINKING) {
      if (field in body) {
        delete body[field];
        dropped.add(field);
      }
    }
  }
}

/** The name max_tokens goes under: the OpenAI client's own where the server knows both (openai.vendors.ts). */
function maxTokensName(profile: OpenAiVendorProfile, clientName: string | undefined): string {
  if (profile.bothMaxTokensNames && (clientName === 'max_tokens' || clientName === 'max_completion_tokens')) return clientName;
  return profile.maxTokensField;
}

function writeTools(req: ChatRequest, body: Json, profile: OpenAiVendorProfile, dropped: Set<string>): void {
  if (!req.tools?.length) return;
  body['tools'] = req.tools.map((t) => {
    const fn: Json = { name: t.name };
    if (t.description) fn['description'] = t.description;
    if (t.parametersJson) fn['parameters'] = JSON.parse(t.parametersJson);
    if (t.strict) fn['strict'] = true;
    if (t.cacheControlJson) dropped.add('cache_control');
    return { type: 'function', function: fn };
  });
  // OpenAI rejects tool_choice without tools ("'tool_choice' is only allowed when 'tools' are
  // specified"), and other dialects may carry a choice with no tools: only written here.
  const tc = req.toolChoice;
  if (!tc) return;
  const mode = tc.mode ?? ToolChoice_Mode.MODE_UNSPECIFIED;
  if (mode === ToolChoice_Mode.MODE_AUTO) body['tool_choice'] = 'auto';
  else if (mode === ToolChoice_Mode.MODE_NONE) body['tool_choice'] = 'none';
  else if (mode === ToolChoice_Mode.MODE_REQUIRED) {
    if (!profile.toolChoiceRequired) refuse(profile, 'tool_choice', '"required" is not supported');
    body['tool_choice'] = 'required';
  } else if (mode === ToolChoice_Mode.MODE_NAMED) body['tool_choice'] = { type: 'function', function: { name: tc.name } };
  if (tc.disableParallel) body['parallel_tool_calls'] = false;
}

function writeReasoning(req: ChatRequest, body: Json, profile: OpenAiVendorProfile, ext: Json, dropped: Set<string>): void {
  const r = req.reasoning;
  // An OpenAI client's "none"/"xhigh" (no IR value) arrive in extensions and are already in the body.
  const verbatim = typeof ext['reasoning_effort'] === 'string';
  if (!r || (!r.effort && r.budgetTokens === undefined)) return;
  switch (profile.reasoning) {
    case 'reasoning_effort': {
      const effort = EFFORT[r.effort] ?? (r.budgetTokens !== undefined ? 'medium' : undefined);
      if (effort && !verbatim) body['reasoning_effort'] = effort;
      return;
    }
    case 'enable_thinking':
      body['enable_thinking'] = true;
      if (r.budgetTokens !== undefined) body['thinking_budget'] = r.budgetTokens;
      return;
    case 'none':
      dropped.add('reasoning_effort');
      return;
  }
}

function urlOf(target: UpstreamTarget, endpoint: OpenAiEndpoint): string {
  const base = target.baseUrl.replace(/\/+$/, '');
  if (endpoint !== 'azure') return `${base}/chat/completions`;
  return azureUrl(target, 'chat/completions');
}

/**
 * Azure OpenAI (learn.microsoft.com/azure/ai-foundry/openai/reference and api-version-lifecycle):
 * dated versions address the deployment in the path with ?api-version=; the v1 API is
 * /openai/v1/... with the deployment name as `model` in the body.
 */
export function azureUrl(target: UpstreamTarget, operation: string): string {
  const base = target.baseUrl.replace(/\/+$/, '');
  const version = azureApiVersion(target);
  if (version === 'v1') return `${base}/openai/v1/${operation}`;
  return `${base}/openai/deployments/${encodeURIComponent(target.upstreamModel)}/${operation}?api-version=${encodeURIComponent(version)}`;
}

/**
 * The request headers: the key in the endpoint's form; for OpenAI itself the deployment's own
 * organization and project (`options.organization` / `options.project`), never the client's
 * (core/vendor-headers.ts); and an OpenAI client's `OpenAI-Beta` (`req`: chat requests only).
 */
export function headersOf(target: UpstreamTarget, endpoint: OpenAiEndpoint, req?: ChatRequest): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (endpoint === 'azure') headers['api-key'] = target.apiKey;
  // Local servers (Ollama, vLLM without --api-key) need no key.
  else if (target.apiKey) headers['authorization'] = `Bearer ${target.apiKey}`;
  if (endpoint === 'openai') {
    const org = target.options['organization'];
    const project = target.options['project'];
    if (typeof org === 'string' && org) headers['openai-organization'] = org;
    if (typeof project === 'string' && project) headers['openai-project'] = project;
  }
  const beta = req && sameFamilyHeader(req, 'openai', 'openai-beta');
  if (beta) headers['openai-beta'] = beta;
  return headers;
}
