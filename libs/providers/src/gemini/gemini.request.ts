import { ChatRequest, Dialect, IrError, Reasoning, Reasoning_Effort, ResponseFormat_Type, ToolChoice_Mode } from '@switchyard/ir';
import { dropForeign, filterPassthrough, type PassthroughPolicy } from '../core/passthrough.policy';
import type { UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import { PASSTHROUGH_RULES } from '../passthrough-rules';
import { geminiPrompt } from './gemini.contents';
import { GEMINI_PASSTHROUGH } from './gemini.passthrough';
import { geminiHeaders, geminiModelResource, geminiUrl, isGeminiBefore3 } from './gemini.target';
import type { GeminiJson } from './gemini.types';

// IR → Gemini generateContent / streamGenerateContent / countTokens request.
//
// Tools are declared with `parametersJsonSchema`, which takes the client's JSON Schema as it
// is (a google.protobuf.Value), rather than `parameters`, the OpenAPI-subset Schema message
// that rejects $schema, additionalProperties, const … with "Invalid JSON payload received.
// Unknown name". The response schema goes the same way (`responseJsonSchema`).
//
// Reasoning: a token budget → thinkingBudget (accepted by Gemini 2.5 and, for compatibility,
// Gemini 3). An effort alone → thinkingLevel on Gemini 3 and later, or a thinkingBudget from
// the table below on Gemini 1.x/2.x models, which do not know thinkingLevel
// (ai.google.dev/gemini-api/docs/thinking). The deployment option `thinking: "budget" | "level"`
// overrides the guess from the model name (useful for aliases such as gemini-flash-latest).

const THINKING_LEVEL: Record<number, string | undefined> = {
  [Reasoning_Effort.EFFORT_MINIMAL]: 'MINIMAL',
  [Reasoning_Effort.EFFORT_LOW]: 'LOW',
  [Reasoning_Effort.EFFORT_MEDIUM]: 'MEDIUM',
  [Reasoning_Effort.EFFORT_HIGH]: 'HIGH',
};

// Within every Gemini 2.5 model's range (Pro 128–32768, Flash 0–24576, Flash-Lite 512–24576).
const THINKING_BUDGET: Record<number, number | undefined> = {
  [Reasoning_Effort.EFFORT_MINIMAL]: 512,
  [Reasoning_Effort.EFFORT_LOW]: 1024,
  [Reasoning_Effort.EFFORT_MEDIUM]: 8192,
  [Reasoning_Effort.EFFORT_HIGH]: 24576,
};

const MODE: Record<number, string | undefined> = {
  [ToolChoice_Mode.MODE_AUTO]: 'AUTO',
  [ToolChoice_Mode.MODE_NONE]: 'NONE',
  [ToolChoice_Mode.MODE_REQUIRED]: 'ANY',
  [ToolChoice_Mode.MODE_NAMED]: 'ANY',
};

export function buildGeminiRequest(req: ChatRequest, target: UpstreamTarget): UpstreamHttpRequest {
  const dropped = new Set<string>();
  const ext = extensionsOf(req, target, dropped);
  const { systemInstruction, contents } = geminiPrompt(req, dropped, !isGeminiBefore3(target.upstreamModel));
  // Passthrough first, so the modelled fields win over a client's extras; the nested
  // configurations are merged key by key, and extra tools (googleSearch, codeExecution …)
  // are kept beside the function declarations.
  const body: GeminiJson = { ...ext, contents };
  if (systemInstruction) body['systemInstruction'] = systemInstruction;
  const tools = toolsOf(req, dropped);
  const extTools = Array.isArray(ext['tools']) ? (ext['tools'] as unknown[]) : [];
  if (tools || extTools.length) body['tools'] = [...(tools ? [tools] : []), ...extTools];
  const toolConfig = { ...objectOf(ext['toolConfig']), ...toolConfigOf(req, dropped) };
  if (Object.keys(toolConfig).length) body['toolConfig'] = toolConfig;
  const generationConfig = generationConfigOf(req, target, objectOf(ext['generationConfig']));
  if (Object.keys(generationConfig).length) body['generationConfig'] = generationConfig;
  const http: UpstreamHttpRequest = {
    url: geminiUrl(target, req.stream ? 'streamGenerateContent' : 'generateContent'),
    headers: geminiHeaders(target),
    body: JSON.stringify(body),
  };
  if (dropped.size) http.dropped = [...dropped];
  return http;
}

/** countTokens with the whole request (prompt, system instruction, tools), as generateContent would see it. */
export function buildGeminiCountTokensRequest(req: ChatRequest, target: UpstreamTarget): UpstreamHttpRequest {
  const dropped = new Set<string>();
  const { systemInstruction, contents } = geminiPrompt(req, dropped, !isGeminiBefore3(target.upstreamModel));
  const inner: GeminiJson = { model: geminiModelResource(target.upstreamModel), contents };
  if (systemInstruction) inner['systemInstruction'] = systemInstruction;
  const tools = toolsOf(req, dropped);
  if (tools) inner['tools'] = [tools];
  const http: UpstreamHttpRequest = { url: geminiUrl(target, 'countTokens'), headers: geminiHeaders(target), body: JSON.stringify({ generateContentRequest: inner }) };
  if (dropped.size) http.dropped = [...dropped];
  return http;
}

function extensionsOf(req: ChatRequest, target: UpstreamTarget, dropped: Set<string>): GeminiJson {
  const e = req.extensions;
  if (!e?.json) return {};
  const extras = JSON.parse(e.json) as unknown;
  if (!isObject(extras)) return {};
  if (e.dialect === Dialect.DIALECT_GEMINI) return allowedExtras(extras, target.passthrough, dropped);
  // Named as the client sent them, or refused where their own family's rules refuse them.
  dropForeign(PASSTHROUGH_RULES[e.dialect ?? Dialect.DIALECT_UNSPECIFIED], extras, dropped);
  return {};
}

/**
 * A Gemini client's extras that the provider's passthrough policy allows (gemini.passthrough.ts),
 * named as the policy names them: top-level fields, `tools.<kind>` for each server-side tool, and
 * `generationConfig.<field>` / `toolConfig.<field>` inside the nested configurations.
 */
function allowedExtras(extras: GeminiJson, policy: PassthroughPolicy | undefined, dropped: Set<string>): GeminiJson {
  const { tools, generationConfig, toolConfig, ...rest } = extras;
  const out = filterPassthrough(GEMINI_PASSTHROUGH, rest, policy, dropped);
  if (Array.isArray(tools)) {
    const kept = tools.filter(isObject).map((t) => filterPassthrough(GEMINI_PASSTHROUGH, t, policy, dropped, 'tools.'));
    const nonEmpty = kept.filter((t) => Object.keys(t).length > 0);
    if (nonEmpty.length) out['tools'] = nonEmpty;
  }
  if (isObject(generationConfig)) out['generationConfig'] = filterPassthrough(GEMINI_PASSTHROUGH, generationConfig, policy, dropped, 'generationConfig.');
  if (isObject(toolConfig)) out['toolConfig'] = filterPassthrough(GEMINI_PASSTHROUGH, toolConfig, policy, dropped, 'toolConfig.');
  return out;
}

function toolsOf(req: ChatRequest, dropped: Set<string>): GeminiJson | undefined {
  if (!req.tools?.length) return undefined;
  const functionDeclarations = req.tools.map((t, i) => {
    if (!t.name) throw IrError.invalid(`tools[${i}].name: a tool needs a name`, `tools[${i}].name`);
    const fn: GeminiJson = { name: t.name };
    if (t.description) fn['description'] = t.description;
    if (t.parametersJson) fn['parametersJsonSchema'] = parseSchema(t.parametersJson, `tools[${i}].parameters`);
    // Gemini has no per-tool strict flag; its JSON-schema declarations are followed anyway.
    if (t.strict) dropped.add('tools.strict');
    if (t.cacheControlJson) dropped.add('tools.cache_control');
    return fn;
  });
  return { functionDeclarations };
}

function toolConfigOf(req: ChatRequest, dropped: Set<string>): GeminiJson {
  const tc = req.toolChoice;
  // A choice without tools has nothing to choose from (the OpenAI adapter drops it too).
  if (!tc || !req.tools?.length) return {};
  const mode = MODE[tc.mode ?? ToolChoice_Mode.MODE_UNSPECIFIED];
  // Gemini has no switch for parallel calls: the model may still answer with several.
  if (tc.disableParallel) dropped.add('tool_choice.disable_parallel');
  if (!mode) return {};
  const config: GeminiJson = { mode };
  if (tc.mode === ToolChoice_Mode.MODE_NAMED) config['allowedFunctionNames'] = [tc.name];
  return { functionCallingConfig: config };
}

function generationConfigOf(req: ChatRequest, target: UpstreamTarget, extra: GeminiJson): GeminiJson {
  const config: GeminiJson = { ...extra };
  const s = req.sampling;
  if (s?.maxTokens !== undefined) config['maxOutputTokens'] = s.maxTokens;
  if (s?.temperature !== undefined) config['temperature'] = s.temperature;
  if (s?.topP !== undefined) config['topP'] = s.topP;
  if (s?.topK !== undefined) config['topK'] = s.topK;
  if (s?.stop?.length) config['stopSequences'] = s.stop;
  if (s?.seed !== undefined) config['seed'] = s.seed;
  if (s?.presencePenalty !== undefined) config['presencePenalty'] = s.presencePenalty;
  if (s?.frequencyPenalty !== undefined) config['frequencyPenalty'] = s.frequencyPenalty;
  if (s?.n !== undefined) config['candidateCount'] = s.n;
  if (s?.logprobs) config['responseLogprobs'] = true;
  if (s?.topLogprobs !== undefined) config['logprobs'] = s.topLogprobs;
  const rf = req.responseFormat;
  if (rf?.type === ResponseFormat_Type.TYPE_JSON_OBJECT) config['responseMimeType'] = 'application/json';
  else if (rf?.type === ResponseFormat_Type.TYPE_JSON_SCHEMA) {
    config['responseMimeType'] = 'application/json';
    if (rf.schemaJson) config['responseJsonSchema'] = parseSchema(rf.schemaJson, 'response_format.schema');
  }
  const thinking = thinkingConfigOf(req.reasoning, target);
  // A Gemini client's own includeThoughts (which the IR does not model) wins over the default.
  if (thinking) config['thinkingConfig'] = { ...thinking, ...objectOf(extra['thinkingConfig']) };
  return config;
}

function thinkingConfigOf(r: Reasoning | undefined, target: UpstreamTarget): GeminiJson | undefined {
  if (!r) return undefined;
  // A zero budget turns thinking off (Gemini 2.5 Flash); there is nothing to show then.
  if (r.budgetTokens === 0) return { thinkingBudget: 0 };
  if (r.budgetTokens !== undefined) return { thinkingBudget: r.budgetTokens, includeThoughts: true };
  const effort = r.effort ?? Reasoning_Effort.EFFORT_UNSPECIFIED;
  const level = THINKING_LEVEL[effort];
  // Reasoning asked for without a size: the model's own (dynamic) budget, thoughts shown.
  if (!level) return { includeThoughts: true };
  if (thinksInBudgets(target)) return { thinkingBudget: THINKING_BUDGET[effort], includeThoughts: true };
  return { thinkingLevel: level, includeThoughts: true };
}

function thinksInBudgets(target: UpstreamTarget): boolean {
  const forced = target.options['thinking'];
  if (forced === 'budget') return true;
  if (forced === 'level') return false;
  return isGeminiBefore3(target.upstreamModel);
}

function parseSchema(json: string, field: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw IrError.invalid(`${field}: not valid JSON`, field);
  }
}

function objectOf(v: unknown): GeminiJson {
  return isObject(v) ? v : {};
}

function isObject(v: unknown): v is GeminiJson {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
