import { ChatRequest, Dialect, IrError, ResponseFormat_Type, ToolChoice_Mode } from '@switchyard/ir';
import { dropForeign, filterPassthrough } from '../core/passthrough.policy';
import type { UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import { sameFamilyHeader } from '../core/vendor-headers';
import { PASSTHROUGH_RULES } from '../passthrough-rules';
import { cacheControl, messageTurns, systemBlocks } from './anthropic.content';
import { ANTHROPIC_PASSTHROUGH } from './anthropic.passthrough';
import { applyThinking } from './anthropic.thinking';
import type { AnthropicJson } from './anthropic.types';

// IR → Anthropic Messages request (POST {base}/v1/messages; docs.anthropic.com/en/api/messages,
// SDK MessageCreateParamsBase). Decisions where the IR asks for more than Anthropic offers:
// - temperature above 1 (OpenAI allows 0..2, Anthropic 0..1) is clamped to 1 and listed.
// - seed and non-zero presence/frequency penalties are dropped and listed; logprobs,
//   top_logprobs and n > 1 change the shape of the answer and are rejected (400 naming them).
// - whitespace-only stop sequences are dropped and listed: Anthropic rejects them ("each stop
//   sequence must contain non-whitespace") and failing a whole OpenAI request over "\n" is worse.
// - response_format json_schema → output_config.format (structured outputs, GA in the SDK's
//   OutputConfig); json_object has no schema-less counterpart and is rejected (400).
// - extensions of the Anthropic dialect that the provider's passthrough policy allows
//   (anthropic.passthrough.ts) are merged into the body first, so modelled fields win; the
//   others are dropped or refused; other dialects' extensions are listed as dropped, or refused
//   where their own family's rules refuse them.

type Json = AnthropicJson;

export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** Fields /v1/messages/count_tokens accepts (SDK MessageCountTokensParams); it rejects others. */
// The beta ones (mcp_servers, context_management) only come from an Anthropic client's extras.
const COUNT_TOKENS_FIELDS = [
  'model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'output_config', 'cache_control', 'speed', 'user_profile_id', 'workspace_id',
  'mcp_servers', 'context_management',
];

export function buildAnthropicRequest(req: ChatRequest, target: UpstreamTarget): UpstreamHttpRequest {
  const dropped = new Set<string>();
  const body = anthropicBody(req, target, dropped);
  if (req.stream) body['stream'] = true;
  else delete body['stream'];
  return upstream(req, target, '/messages', body, dropped);
}

export function buildAnthropicCountTokensRequest(req: ChatRequest, target: UpstreamTarget): UpstreamHttpRequest {
  const dropped = new Set<string>();
  const full = anthropicBody(req, target, dropped);
  const body: Json = {};
  for (const key of COUNT_TOKENS_FIELDS) if (full[key] !== undefined) body[key] = full[key];
  return upstream(req, target, '/messages/count_tokens', body, dropped);
}

/**
 * `{base}/v1{path}`. The base may be given with or without its `/v1` (https://api.anthropic.com
 * as the SDK's baseURL, or https://api.anthropic.com/v1 as with OpenAI): both give the same URL.
 */
export function anthropicUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1${path}`;
}

function upstream(req: ChatRequest, target: UpstreamTarget, path: string, body: Json, dropped: Set<string>): UpstreamHttpRequest {
  // An Anthropic client's own anthropic-version and anthropic-beta (core/vendor-headers.ts): the
  // body was written for that version, and its betas change what the upstream does with it.
  const version = sameFamilyHeader(req, 'anthropic', 'anthropic-version');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-api-key': target.apiKey,
    'anthropic-version': version ?? stringOption(target, 'anthropicVersion') ?? DEFAULT_ANTHROPIC_VERSION,
  };
  const beta = betaList(stringOption(target, 'anthropicBeta'), sameFamilyHeader(req, 'anthropic', 'anthropic-beta'));
  if (beta) headers['anthropic-beta'] = beta;
  const out: UpstreamHttpRequest = { url: anthropicUrl(target.baseUrl, path), headers, body: JSON.stringify(body) };
  if (dropped.size) out.dropped = [...dropped];
  return out;
}

/** The deployment's betas, then the client's not already among them, comma-separated as Anthropic documents. */
function betaList(deployment: string | undefined, client: string | undefined): string | undefined {
  if (!client) return deployment;
  const names = (deployment ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  for (const b of client.split(',')) {
    const name = b.trim();
    if (name && !names.includes(name)) names.push(name);
  }
  return names.join(',') || undefined;
}

function anthropicBody(req: ChatRequest, target: UpstreamTarget, dropped: Set<string>): Json {
  const body: Json = {};
  mergeExtensions(req, target, body, dropped);
  body['model'] = target.upstreamModel;
  const ctx = { dropped, native: req.meta?.dialect === Dialect.DIALECT_ANTHROPIC };
  const system = systemBlocks(req.system, ctx);
  if (system.length) body['system'] = system;
  body['messages'] = messageTurns(req.messages, ctx);
  sampling(req, body, dropped);
  applyThinking(req, target, body, dropped);
  tools(req, body);
  responseFormat(req, body);
  if (req.meta?.endUserId) body['metadata'] = { ...asObject(body['metadata']), user_id: req.meta.endUserId };
  return body;
}

function mergeExtensions(req: ChatRequest, target: UpstreamTarget, body: Json, dropped: Set<string>): void {
  const ext = req.extensions;
  if (!ext?.json) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(ext.json);
  } catch {
    throw IrError.invalid('extensions: invalid JSON', 'extensions');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw IrError.invalid('extensions: expected a JSON object', 'extensions');
  if (ext.dialect === Dialect.DIALECT_ANTHROPIC) Object.assign(body, filterPassthrough(ANTHROPIC_PASSTHROUGH, parsed as Json, target.passthrough, dropped));
  else dropForeign(PASSTHROUGH_RULES[ext.dialect ?? Dialect.DIALECT_UNSPECIFIED], parsed as Json, dropped);
}

function sampling(req: ChatRequest, body: Json, dropped: Set<string>): void {
  const s = req.sampling;
  if (!s) return;
  if (s.n !== undefined && s.n > 1) throw IrError.invalid('n: Anthropic returns one choice per request; n must be 1', 'n');
  if (s.logprobs) throw IrError.invalid('logprobs: Anthropic does not return log probabilities', 'logprobs');
  if (s.topLogprobs) throw IrError.invalid('top_logprobs: Anthropic does not return log probabilities', 'top_logprobs');
  if (s.temperature !== undefined) {
    if (s.temperature > 1) dropped.add('temperature');
    body['temperature'] = Math.min(s.temperature, 1);
  }
  if (s.topP !== undefined) body['top_p'] = s.topP;
  if (s.topK !== undefined) body['top_k'] = s.topK;
  const stop = (s.stop).filter((q) => q.trim() !== '');
  if (stop.length < (s.stop).length) dropped.add('stop');
  if (stop.length) body['stop_sequences'] = stop;
  if (s.seed !== undefined) dropped.add('seed');
  if (s.presencePenalty) dropped.add('presence_penalty');
  if (s.frequencyPenalty) dropped.add('frequency_penalty');
}

function tools(req: ChatRequest, body: Json): void {
  const list = req.tools;
  if (!list.length) return;
  body['tools'] = list.map((t, i) => {
    const path = `tools[${i}]`;
    const tool: Json = { name: t.name };
    if (t.description) tool['description'] = t.description;
    tool['input_schema'] = inputSchema(t.parametersJson, `${path}.parameters`);
    if (t.strict) tool['strict'] = true;
    if (t.cacheControlJson) tool['cache_control'] = cacheControl(t.cacheControlJson, path);
    return tool;
  });
  const tc = req.toolChoice;
  if (!tc) return;
  const disable = tc.disableParallel ? { disable_parallel_tool_use: true } : {};
  switch (tc.mode) {
    case ToolChoice_Mode.MODE_NONE:
      body['tool_choice'] = { type: 'none' };
      return;
    case ToolChoice_Mode.MODE_REQUIRED:
      body['tool_choice'] = { type: 'any', ...disable };
      return;
    case ToolChoice_Mode.MODE_NAMED:
      body['tool_choice'] = { type: 'tool', name: tc.name, ...disable };
      return;
    case ToolChoice_Mode.MODE_AUTO:
    case ToolChoice_Mode.MODE_UNSPECIFIED:
    case undefined:
      if (tc.mode === ToolChoice_Mode.MODE_AUTO || tc.disableParallel) body['tool_choice'] = { type: 'auto', ...disable };
      return;
  }
}

/** Anthropic's input_schema must be an object schema; a tool without parameters gets an empty one. */
function inputSchema(json: string | undefined, path: string): Json {
  if (!json) return { type: 'object', properties: {} };
  let schema: unknown;
  try {
    schema = JSON.parse(json);
  } catch {
    throw IrError.invalid(`${path}: invalid JSON Schema`, path);
  }
  const obj = asObject(schema);
  if (!obj || (obj['type'] !== undefined && obj['type'] !== 'object')) throw IrError.invalid(`${path}: Anthropic tools need an object schema ("type": "object")`, path);
  return obj['type'] === undefined ? { type: 'object', ...obj } : obj;
}

function responseFormat(req: ChatRequest, body: Json): void {
  const rf = req.responseFormat;
  switch (rf?.type) {
    case ResponseFormat_Type.TYPE_JSON_SCHEMA: {
      let schema: unknown;
      try {
        schema = JSON.parse(rf.schemaJson || '{}');
      } catch {
        throw IrError.invalid('response_format.json_schema.schema: invalid JSON Schema', 'response_format.json_schema.schema');
      }
      body['output_config'] = { ...asObject(body['output_config']), format: { type: 'json_schema', schema } };
      return;
    }
    case ResponseFormat_Type.TYPE_JSON_OBJECT:
      throw IrError.invalid('response_format: Anthropic has no schema-less JSON mode; use a json_schema response format', 'response_format');
    case ResponseFormat_Type.TYPE_TEXT:
    case ResponseFormat_Type.TYPE_UNSPECIFIED:
    case undefined:
      return;
  }
}

function asObject(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function stringOption(target: UpstreamTarget, key: string): string | undefined {
  const v = target.options[key];
  return v === undefined || v === '' ? undefined : String(v);
}
