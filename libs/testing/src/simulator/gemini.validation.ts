// generateContent request checks the Gemini API makes, in its own words, for the mistakes a
// translator can make:
// - unknown fields are refused, as proto JSON parsing does ("Invalid JSON payload received.
//   Unknown name …: Cannot find field.", with a google.rpc.BadRequest field violation); both
//   camelCase and snake_case names are accepted. Known names: GenerateContentRequest,
//   GenerationConfig, Content and Part in @google/genai's genai.d.ts;
// - roles are user or model, contents and parts are present;
// - a function-response turn answers the function-call turn just before it, part for part
//   (errors quoted in github.com/google-gemini/gemini-cli/issues/5443);
// - Gemini 3 models require the thoughtSignature back on the first functionCall part of every
//   model step of the current turn (ai.google.dev/gemini-api/docs/thought-signatures; error
//   quoted in github.com/nanbingxyz/5ire/issues/405), the documented dummy values excepted.
import type { IncomingCall } from './provider-wire.types';
import type { SimulatedError } from './simulator-scenario.types';

type Json = Record<string, unknown>;

const REQUEST_FIELDS = snakeSet([
  'model', 'contents', 'tools', 'toolConfig', 'safetySettings', 'systemInstruction', 'generationConfig', 'cachedContent',
  'labels', 'serviceTier', 'store',
]);
const GENERATION_FIELDS = snakeSet([
  'stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', '_responseJsonSchema', 'responseModalities',
  'candidateCount', 'maxOutputTokens', 'temperature', 'topP', 'topK', 'seed', 'presencePenalty', 'frequencyPenalty',
  'responseLogprobs', 'logprobs', 'enableEnhancedCivicAnswers', 'speechConfig', 'thinkingConfig', 'imageConfig',
  'mediaResolution',
]);
const CONTENT_FIELDS = snakeSet(['role', 'parts']);
const PART_FIELDS = snakeSet([
  'text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult', 'thought',
  'thoughtSignature', 'videoMetadata', 'partMetadata', 'mediaResolution', 'toolCall', 'toolResponse',
]);
const RPC_BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';

export function validateGeminiGenerate(call: IncomingCall): SimulatedError | undefined {
  const { body } = call;
  const shapeError = checkShape(body);
  if (shapeError) return shapeError;
  const contents = (body['contents'] ?? []) as Json[];
  return checkFunctionTurns(contents) ?? (call.model.startsWith('gemini-3') ? checkSignatures(contents) : undefined);
}

/** Field names, roles and presence of contents and parts; shared with countTokens. */
export function checkShape(body: Readonly<Json>, prefix = ''): SimulatedError | undefined {
  const unknown = unknownField(body, REQUEST_FIELDS, prefix.replace(/\.$/, ''));
  if (unknown) return unknown;
  const config = body['generationConfig'] ?? body['generation_config'];
  if (isObject(config)) {
    const bad = unknownField(config, GENERATION_FIELDS, `${prefix}generation_config`);
    if (bad) return bad;
  }
  const system = body['systemInstruction'] ?? body['system_instruction'];
  if (isObject(system)) {
    const bad = checkContent(system, `${prefix}system_instruction`, false);
    if (bad) return bad;
  }
  const contents = body['contents'];
  if (!Array.isArray(contents) || contents.length === 0) {
    return invalid(`* GenerateContentRequest.contents: contents is not specified\n`);
  }
  for (let i = 0; i < contents.length; i++) {
    const bad = isObject(contents[i]) ? checkContent(contents[i] as Json, `${prefix}contents[${i}]`, true) : invalid('Invalid JSON payload received.');
    if (bad) return bad;
  }
  return undefined;
}

function checkContent(content: Json, path: string, needsRole: boolean): SimulatedError | undefined {
  const unknown = unknownField(content, CONTENT_FIELDS, path);
  if (unknown) return unknown;
  const role = content['role'];
  if (needsRole && role !== undefined && role !== 'user' && role !== 'model') return invalid('Please use a valid role: user, model.');
  const parts = content['parts'];
  if (!Array.isArray(parts) || parts.length === 0) {
    return invalid(`* GenerateContentRequest.${path}.parts: contents.parts must not be empty.\n`);
  }
  for (let j = 0; j < parts.length; j++) {
    const bad = isObject(parts[j]) ? unknownField(parts[j] as Json, PART_FIELDS, `${path}.parts[${j}]`) : undefined;
    if (bad) return bad;
  }
  return undefined;
}

function checkFunctionTurns(contents: readonly Json[]): SimulatedError | undefined {
  for (let i = 0; i < contents.length; i++) {
    const responses = countParts(contents[i], 'functionResponse', 'function_response');
    if (responses === 0) continue;
    const calls = i > 0 ? countParts(contents[i - 1], 'functionCall', 'function_call') : 0;
    if (calls === 0) return invalid('Please ensure that function response turn comes immediately after a function call turn.');
    if (calls !== responses) {
      return invalid('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
    }
  }
  return undefined;
}

function checkSignatures(contents: readonly Json[]): SimulatedError | undefined {
  // The current turn starts after the last user content that is not only function responses.
  let start = 0;
  contents.forEach((content, i) => {
    if (content['role'] !== 'model' && partsOf(content).some((p) => !has(p, 'functionResponse', 'function_response'))) start = i + 1;
  });
  for (let i = start; i < contents.length; i++) {
    const first = partsOf(contents[i]).find((p) => has(p, 'functionCall', 'function_call'));
    if (!first) continue;
    const signature = first['thoughtSignature'] ?? first['thought_signature'];
    // Any value passes, so the documented stand-ins (`skip_thought_signature_validator`) do too.
    if (typeof signature === 'string' && signature !== '') continue;
    const call = (first['functionCall'] ?? first['function_call']) as Json;
    return invalid(
      `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String(call['name'])}\` , position ${i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
    );
  }
  return undefined;
}

/** The first field of `object` whose (snake_case) name is not in `allowed`, as the API's 400. */
export function unknownField(object: Readonly<Json>, allowed: ReadonlySet<string>, path: string): SimulatedError | undefined {
  const name = Object.keys(object).find((key) => !allowed.has(snake(key)));
  if (name === undefined) return undefined;
  const description = `Invalid JSON payload received. Unknown name "${name}"${path === '' ? '' : ` at '${path}'`}: Cannot find field.`;
  return { ...invalid(description), details: [{ '@type': RPC_BAD_REQUEST, fieldViolations: [{ field: path, description }] }] };
}

function partsOf(content: Json): Json[] {
  const parts = content['parts'];
  return Array.isArray(parts) ? (parts.filter(isObject) as Json[]) : [];
}

function countParts(content: Json, camel: string, snakeName: string): number {
  return partsOf(content).filter((p) => has(p, camel, snakeName)).length;
}

function has(part: Json, camel: string, snakeName: string): boolean {
  return part[camel] !== undefined || part[snakeName] !== undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Field names as the proto knows them, for unknownField. */
export function snakeSet(names: readonly string[]): ReadonlySet<string> {
  return new Set(names.map(snake));
}

export function invalid(message: string): SimulatedError {
  return { status: 400, type: 'INVALID_ARGUMENT', message };
}
