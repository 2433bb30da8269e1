import { IrError, Reasoning, Reasoning_Effort, ResponseFormat, ResponseFormat_Type, Sampling, Tool, ToolChoice, ToolChoice_Mode } from '@switchyard/ir';
import { JsonObject, expectArray, expectObject, expectString, optBoolean, optInteger, optNumber, optString, ownEntry } from '../json-guards';
import { field, unknownFields } from './gemini-fields';
import { geminiSchemaToJsonSchema } from './gemini-schema';

// Gemini `tools`, `toolConfig` and `generationConfig` → IR (ai.google.dev/api/generate-content,
// ai.google.dev/api/caching#Tool). What the IR cannot express is collected in `extra`, a partial
// GenerateContentRequest that travels in ChatRequest.extensions for a Gemini upstream:
// - Gemini's server-side tools (googleSearch, codeExecution, urlContext, googleMaps, fileSearch,
//   ...) go to `extra.tools`. They are not refused here: the Gemini provider forwards those its
//   passthrough policy allows (gemini.passthrough.ts; by default none, which it refuses), and
//   other upstreams refuse them too (the answer would change unnoticed). The Gemini provider must APPEND
//   `extra.tools` to the functionDeclarations tool it builds, not replace it.
// - unmodelled generationConfig / toolConfig fields (responseModalities, speechConfig,
//   mediaResolution, thinkingConfig.includeThoughts, retrievalConfig, ...) go to
//   `extra.generationConfig` / `extra.toolConfig`, which the provider merges key by key.

export interface ToolsParse {
  tools: Tool[];
  toolChoice: ToolChoice | undefined;
}

const FUNCTION_DECLARATION = new Set(['name', 'description', 'parameters', 'parametersJsonSchema']);

export function parseTools(raw: unknown, extra: JsonObject, dropped: string[]): Tool[] {
  if (raw === undefined || raw === null) return [];
  const tools: Tool[] = [];
  const serverSide: JsonObject[] = [];
  expectArray(raw, 'tools').forEach((t, i) => {
    const tool = expectObject(t, `tools[${i}]`);
    const decls = field(tool, 'functionDeclarations');
    if (decls !== undefined && decls !== null) {
      expectArray(decls, `tools[${i}].functionDeclarations`).forEach((d, j) => tools.push(parseFunctionDeclaration(d, `tools[${i}].functionDeclarations[${j}]`, dropped)));
    }
    const others = unknownFields(tool, new Set(['functionDeclarations']));
    if (others) serverSide.push(others);
  });
  if (serverSide.length) extra['tools'] = serverSide;
  return tools;
}

function parseFunctionDeclaration(raw: unknown, path: string, dropped: string[]): Tool {
  const d = expectObject(raw, path);
  const name = expectString(field(d, 'name'), `${path}.name`);
  if (!name) throw IrError.invalid(`${path}.name: must not be empty`, `${path}.name`);
  const parameters = field(d, 'parameters');
  const jsonSchema = field(d, 'parametersJsonSchema');
  const hasParameters = parameters !== undefined && parameters !== null;
  const hasJsonSchema = jsonSchema !== undefined && jsonSchema !== null;
  if (hasParameters && hasJsonSchema) {
    throw IrError.invalid(`${path}: set parameters or parametersJsonSchema, not both`, `${path}.parametersJsonSchema`);
  }
  let parametersJson = '';
  if (hasParameters) parametersJson = JSON.stringify(geminiSchemaToJsonSchema(parameters, `${path}.parameters`));
  else if (hasJsonSchema) parametersJson = JSON.stringify(expectObject(jsonSchema, `${path}.parametersJsonSchema`));
  // `response` schemas and the Live API's `behavior` do not change what the model is asked.
  for (const key of Object.keys(unknownFields(d, FUNCTION_DECLARATION) ?? {})) dropped.push(`${path}.${key}`);
  return { name, description: optString(field(d, 'description'), `${path}.description`) ?? '', parametersJson, strict: false, cacheControlJson: '' };
}

const FUNCTION_CALLING = new Set(['mode', 'allowedFunctionNames']);

/**
 * toolConfig.functionCallingConfig → tool choice. ANY with one allowed name is a named choice;
 * ANY (or VALIDATED) with several narrows the declared tools to those names, which is what
 * Gemini lets the model call. VALIDATED (AUTO plus schema-checked calls) becomes AUTO.
 */
export function parseToolConfig(raw: unknown, tools: Tool[], extra: JsonObject, dropped: string[]): ToolsParse {
  if (raw === undefined || raw === null) return { tools, toolChoice: undefined };
  const config = expectObject(raw, 'toolConfig');
  const unmodelled = unknownFields(config, new Set(['functionCallingConfig']));
  if (unmodelled) extra['toolConfig'] = unmodelled;
  const fcRaw = field(config, 'functionCallingConfig');
  if (fcRaw === undefined || fcRaw === null) return { tools, toolChoice: undefined };

  const path = 'toolConfig.functionCallingConfig';
  const fc = expectObject(fcRaw, path);
  for (const key of Object.keys(unknownFields(fc, FUNCTION_CALLING) ?? {})) dropped.push(`${path}.${key}`);
  const mode = optString(field(fc, 'mode'), `${path}.mode`) ?? 'MODE_UNSPECIFIED';
  const namesRaw = field(fc, 'allowedFunctionNames');
  const names = namesRaw === undefined || namesRaw === null ? [] : expectArray(namesRaw, `${path}.allowedFunctionNames`).map((n, i) => expectString(n, `${path}.allowedFunctionNames[${i}]`));
  // Sets, not list scans: 45,000 names against as many declarations (1.2 MB) took 7 s.
  const declared = new Set(tools.map((t) => t.name));
  names.forEach((n, i) => {
    if (!declared.has(n)) {
      throw IrError.invalid(`${path}.allowedFunctionNames[${i}]: no function named "${n}" is declared in tools`, `${path}.allowedFunctionNames[${i}]`);
    }
  });
  if (names.length && mode !== 'ANY' && mode !== 'VALIDATED') {
    throw IrError.invalid(`${path}.allowedFunctionNames: only allowed with mode ANY or VALIDATED`, `${path}.allowedFunctionNames`);
  }
  const wanted = new Set(names);
  const allowed = names.length ? tools.filter((t) => wanted.has(t.name)) : tools;

  switch (mode) {
    case 'MODE_UNSPECIFIED':
    case 'AUTO':
      return { tools, toolChoice: { mode: ToolChoice_Mode.MODE_AUTO, name: '', disableParallel: false } };
    case 'NONE':
      return { tools, toolChoice: { mode: ToolChoice_Mode.MODE_NONE, name: '', disableParallel: false } };
    case 'ANY':
      if (names.length === 1) return { tools, toolChoice: { mode: ToolChoice_Mode.MODE_NAMED, name: names[0], disableParallel: false } };
      return { tools: allowed, toolChoice: { mode: ToolChoice_Mode.MODE_REQUIRED, name: '', disableParallel: false } };
    case 'VALIDATED':
      dropped.push(`${path}.mode`);
      return { tools: allowed, toolChoice: { mode: ToolChoice_Mode.MODE_AUTO, name: '', disableParallel: false } };
    default:
      throw IrError.invalid(`${path}.mode: unknown value "${mode}"`, `${path}.mode`);
  }
}

export interface GenerationConfigParse {
  sampling: Sampling;
  responseFormat: ResponseFormat | undefined;
  reasoning: Reasoning | undefined;
}

const GENERATION = new Set([
  'maxOutputTokens', 'temperature', 'topP', 'topK', 'stopSequences', 'seed', 'presencePenalty', 'frequencyPenalty',
  'candidateCount', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseLogprobs', 'logprobs', 'thinkingConfig',
]);

export function parseGenerationConfig(raw: unknown, extra: JsonObject): GenerationConfigParse {
  if (raw === undefined || raw === null) return { sampling: { stop: [] }, responseFormat: undefined, reasoning: undefined };
  const g = expectObject(raw, 'generationConfig');
  const p = (name: string) => `generationConfig.${name}`;
  const unmodelled: JsonObject = unknownFields(g, GENERATION) ?? {};
  const stop = field(g, 'stopSequences');
  const sampling: Sampling = {
    maxTokens: optInteger(field(g, 'maxOutputTokens'), p('maxOutputTokens'), 1),
    temperature: optNumber(field(g, 'temperature'), p('temperature'), 0, 2),
    topP: optNumber(field(g, 'topP'), p('topP'), 0, 1),
    topK: optInteger(field(g, 'topK'), p('topK'), 1),
    stop: stop === undefined || stop === null ? [] : expectArray(stop, p('stopSequences')).map((s, i) => expectString(s, `${p('stopSequences')}[${i}]`)),
    seed: optInteger(field(g, 'seed'), p('seed'), Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    presencePenalty: optNumber(field(g, 'presencePenalty'), p('presencePenalty'), -2, 2),
    frequencyPenalty: optNumber(field(g, 'frequencyPenalty'), p('frequencyPenalty'), -2, 2),
    n: optInteger(field(g, 'candidateCount'), p('candidateCount'), 1),
    logprobs: optBoolean(field(g, 'responseLogprobs'), p('responseLogprobs')),
    topLogprobs: optInteger(field(g, 'logprobs'), p('logprobs'), 0, 20),
  };
  const responseFormat = parseResponseFormat(g, unmodelled);
  const reasoning = parseThinkingConfig(field(g, 'thinkingConfig'), unmodelled);
  if (Object.keys(unmodelled).length) extra['generationConfig'] = unmodelled;
  return { sampling, responseFormat, reasoning };
}

function parseResponseFormat(g: JsonObject, unmodelled: JsonObject): ResponseFormat | undefined {
  const mimeType = optString(field(g, 'responseMimeType'), 'generationConfig.responseMimeType');
  const schema = field(g, 'responseSchema');
  const jsonSchema = field(g, 'responseJsonSchema');
  const hasSchema = schema !== undefined && schema !== null;
  const hasJsonSchema = jsonSchema !== undefined && jsonSchema !== null;
  if (hasSchema && hasJsonSchema) {
    throw IrError.invalid('generationConfig: set responseSchema or responseJsonSchema, not both', 'generationConfig.responseJsonSchema');
  }
  if (mimeType === undefined || mimeType === 'text/plain') {
    if (hasSchema || hasJsonSchema) {
      const at = hasSchema ? 'generationConfig.responseSchema' : 'generationConfig.responseJsonSchema';
      throw IrError.invalid(`${at}: needs responseMimeType "application/json"`, at);
    }
    return mimeType ? { type: ResponseFormat_Type.TYPE_TEXT, schemaName: '', schemaJson: '', strict: false } : undefined;
  }
  if (mimeType !== 'application/json') {
    // text/x.enum and other Gemini output types: only a Gemini upstream can honour them.
    unmodelled['responseMimeType'] = mimeType;
    if (hasSchema) unmodelled['responseSchema'] = schema;
    if (hasJsonSchema) unmodelled['responseJsonSchema'] = jsonSchema;
    return undefined;
  }
  if (!hasSchema && !hasJsonSchema) return { type: ResponseFormat_Type.TYPE_JSON_OBJECT, schemaName: '', schemaJson: '', strict: false };
  const json = hasSchema ? geminiSchemaToJsonSchema(schema, 'generationConfig.responseSchema') : expectObject(jsonSchema, 'generationConfig.responseJsonSchema');
  // Gemini schemas are not written for OpenAI's strict mode (every property required,
  // additionalProperties false), so strict stays off; the schema is still enforced upstream
  // where the provider supports it.
  return { type: ResponseFormat_Type.TYPE_JSON_SCHEMA, schemaName: 'response', schemaJson: JSON.stringify(json), strict: false };
}

const LEVELS: Record<string, Reasoning_Effort> = {
  MINIMAL: Reasoning_Effort.EFFORT_MINIMAL,
  LOW: Reasoning_Effort.EFFORT_LOW,
  MEDIUM: Reasoning_Effort.EFFORT_MEDIUM,
  HIGH: Reasoning_Effort.EFFORT_HIGH,
};

/**
 * thinkingConfig → reasoning. thinkingBudget -1 ("dynamic") and includeThoughts alone ask for
 * thinking at the upstream's default budget; 0 turns it off. includeThoughts: false has no IR
 * field and travels to a Gemini upstream in extensions.
 */
function parseThinkingConfig(raw: unknown, unmodelled: JsonObject): Reasoning | undefined {
  if (raw === undefined || raw === null) return undefined;
  const path = 'generationConfig.thinkingConfig';
  const t = expectObject(raw, path);
  const budget = optInteger(field(t, 'thinkingBudget'), `${path}.thinkingBudget`, -1);
  const level = optString(field(t, 'thinkingLevel'), `${path}.thinkingLevel`);
  const include = optBoolean(field(t, 'includeThoughts'), `${path}.includeThoughts`);
  const rest = unknownFields(t, new Set(['thinkingBudget', 'thinkingLevel', 'includeThoughts']));
  // includeThoughts: true is what the IR reasoning request already means (every provider returns
  // its thoughts when asked to think); only false, "think but do not show", needs carrying.
  if (include === false || rest) unmodelled['thinkingConfig'] = { ...(include === false ? { includeThoughts: false } : {}), ...rest };

  if (budget !== undefined && level !== undefined && level !== 'THINKING_LEVEL_UNSPECIFIED') {
    throw IrError.invalid(`${path}: set thinkingBudget or thinkingLevel, not both`, `${path}.thinkingLevel`);
  }
  if (level !== undefined && level !== 'THINKING_LEVEL_UNSPECIFIED') {
    const effort = ownEntry(LEVELS, level);
    if (effort === undefined) throw IrError.invalid(`${path}.thinkingLevel: unknown value "${level}"`, `${path}.thinkingLevel`);
    return { effort };
  }
  if (budget !== undefined) return budget === -1 ? { effort: Reasoning_Effort.EFFORT_UNSPECIFIED } : { effort: Reasoning_Effort.EFFORT_UNSPECIFIED, budgetTokens: budget };
  return include ? { effort: Reasoning_Effort.EFFORT_UNSPECIFIED } : undefined;
}
