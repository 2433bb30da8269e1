// OpenAI `POST /v1/embeddings` (also Azure's deployment and v1 paths), field for field as the
// `openai` SDK declares it (resources/embeddings.d.ts: EmbeddingCreateParams,
// CreateEmbeddingResponse). `input` is a string, strings, token ids or token-id arrays;
// `encoding_format: "base64"` sends little-endian float32 bytes (the SDK asks for it by default
// and decodes it); `dimensions` exists only from text-embedding-3 on.
import { embeddingVector, float32Base64 } from './embedding-vector';
import { textTokens } from './prompt-size';
import type { EndpointCall, IncomingCall, JsonEndpoint } from './provider-wire.types';
import type { SimulatedError } from './simulator-scenario.types';

const DEFAULT_DIMENSIONS = 1536;
const LARGE_DIMENSIONS = 3072;

interface EmbedItem {
  readonly seed: string;
  readonly tokens: number;
}

export const openAiEmbeddingsEndpoint: JsonEndpoint = { validate, answer };

function answer(call: EndpointCall): unknown {
  const { body, scenario } = call;
  const items = inputItems(body['input']) ?? [];
  const dimensions = typeof body['dimensions'] === 'number' ? body['dimensions'] : defaultDimensions(call.model);
  const base64 = body['encoding_format'] === 'base64';
  const data = items.map((item, index) => {
    const vector = embeddingVector(item.seed, dimensions);
    return { object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector };
  });
  const promptTokens = scenario.usage?.input ?? items.reduce((sum, item) => sum + item.tokens, 0);
  return { object: 'list', data, model: call.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } };
}

function validate({ body, model, modelInPath }: IncomingCall): SimulatedError | undefined {
  // Azure names the model by the deployment in the path; OpenAI needs it in the body.
  if (!modelInPath && typeof body['model'] !== 'string') return invalid('you must provide a model parameter', 'model');
  if (body['input'] === undefined) return invalid("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  const items = inputItems(body['input']);
  if (!items || items.length === 0 || items.some((item) => item.tokens === 0)) {
    return invalid("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.");
  }
  const format = body['encoding_format'];
  if (format !== undefined && format !== 'float' && format !== 'base64') {
    return invalid(`Invalid value: '${String(format)}'. Supported values are: 'float' and 'base64'.`, 'encoding_format', 'invalid_value');
  }
  const dimensions = body['dimensions'];
  if (dimensions === undefined) return undefined;
  if (model.startsWith('text-embedding-ada')) return invalid('This model does not support specifying dimensions.', 'dimensions');
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1) {
    return invalid(`Invalid value for 'dimensions': expected an integer of at least 1.`, 'dimensions', 'invalid_value');
  }
  return undefined;
}

/** The inputs with what seeds their vector and their token count; undefined when malformed. */
function inputItems(input: unknown): EmbedItem[] | undefined {
  if (typeof input === 'string') return [textItem(input)];
  if (!Array.isArray(input)) return undefined;
  if (input.every((v) => typeof v === 'number')) return [tokenItem(input as number[])];
  if (input.every((v) => typeof v === 'string')) return (input as string[]).map(textItem);
  if (input.every((v) => Array.isArray(v) && v.every((t) => typeof t === 'number'))) return (input as number[][]).map(tokenItem);
  return undefined;
}

const textItem = (text: string): EmbedItem => ({ seed: text, tokens: text === '' ? 0 : textTokens(text) });
const tokenItem = (tokens: readonly number[]): EmbedItem => ({ seed: `tokens:${tokens.join(',')}`, tokens: tokens.length });

function defaultDimensions(model: string): number {
  return model.includes('embedding-3-large') ? LARGE_DIMENSIONS : DEFAULT_DIMENSIONS;
}

function invalid(message: string, param?: string, code?: string): SimulatedError {
  return { status: 400, type: 'invalid_request_error', message, param, code };
}
