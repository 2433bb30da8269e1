// Gemini `models/{model}:embedContent` → {embedding:{values}} and `:batchEmbedContents` →
// {embeddings:[{values}]} (REST reference ai.google.dev/api/embeddings; @google/genai's
// embedContent always calls the batch form). `outputDimensionality` truncates the vector;
// the default size is the model's (gemini-embedding-001: 3072, text-embedding-004: 768).
import { embeddingVector } from './embedding-vector';
import { invalid, snakeSet, unknownField } from './gemini.validation';
import type { EndpointCall, IncomingCall, JsonEndpoint } from './provider-wire.types';
import type { SimulatedError } from './simulator-scenario.types';

type Json = Record<string, unknown>;

const REQUEST_FIELDS = snakeSet(['model', 'content', 'taskType', 'title', 'outputDimensionality']);
const BATCH_FIELDS = snakeSet(['requests']);
const TASK_TYPES = new Set([
  'TASK_TYPE_UNSPECIFIED', 'RETRIEVAL_QUERY', 'RETRIEVAL_DOCUMENT', 'SEMANTIC_SIMILARITY', 'CLASSIFICATION', 'CLUSTERING',
  'QUESTION_ANSWERING', 'FACT_VERIFICATION', 'CODE_RETRIEVAL_QUERY',
]);

export const geminiEmbedContentEndpoint: JsonEndpoint = {
  validate: ({ body }: IncomingCall) => checkRequest(body, ''),
  answer: ({ body, model }: EndpointCall) => ({ embedding: embedding(body, model) }),
};

export const geminiBatchEmbedContentsEndpoint: JsonEndpoint = {
  validate: ({ body }: IncomingCall) => {
    const extra = unknownField(body, BATCH_FIELDS, '');
    if (extra) return extra;
    const requests = body['requests'];
    if (!Array.isArray(requests) || requests.length === 0) return invalid('* BatchEmbedContentsRequest.requests: requests is not specified\n');
    for (let i = 0; i < requests.length; i++) {
      const bad = checkRequest((requests[i] ?? {}) as Json, `requests[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  },
  answer: ({ body, model }: EndpointCall) => ({ embeddings: (body['requests'] as Json[]).map((request) => embedding(request, model)) }),
};

function embedding(request: Json, model: string): { values: number[] } {
  const dimensions = request['outputDimensionality'] ?? request['output_dimensionality'];
  return { values: embeddingVector(textOf(request['content']), typeof dimensions === 'number' ? dimensions : defaultDimensions(model)) };
}

function checkRequest(request: Json, path: string): SimulatedError | undefined {
  const extra = unknownField(request, REQUEST_FIELDS, path);
  if (extra) return extra;
  const parts = (request['content'] as { parts?: unknown } | undefined)?.parts;
  if (!Array.isArray(parts) || parts.length === 0) {
    return invalid(`* EmbedContentRequest.content: content is not specified\n`);
  }
  const taskType = request['taskType'] ?? request['task_type'];
  if (taskType !== undefined && !TASK_TYPES.has(String(taskType))) {
    const field = path === '' ? 'task_type' : `${path}.task_type`;
    return invalid(`Invalid value at '${field}' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), "${String(taskType)}"`);
  }
  return undefined;
}

function textOf(content: unknown): string {
  const parts = (content as { parts?: Array<{ text?: unknown }> } | undefined)?.parts ?? [];
  return parts.map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
}

function defaultDimensions(model: string): number {
  return model.startsWith('gemini-embedding') ? 3072 : 768;
}
