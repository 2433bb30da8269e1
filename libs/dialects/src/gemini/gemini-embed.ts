import { Dialect, EmbedResponse, IrError } from '@switchyard/ir';
import type { ParsedEmbed, PathParams } from '../dialect.types';
import { JsonObject, expectArray, expectBody, expectObject, expectString, optInteger, optString } from '../json-guards';
import { field } from './gemini-fields';

// Gemini embedContent / batchEmbedContents ↔ IR (ai.google.dev/api/embeddings). The IR has one
// taskType, title and outputDimensionality per request, so a batch must agree on them.

const TASK_TYPES = new Set([
  'TASK_TYPE_UNSPECIFIED', 'RETRIEVAL_QUERY', 'RETRIEVAL_DOCUMENT', 'SEMANTIC_SIMILARITY', 'CLASSIFICATION',
  'CLUSTERING', 'QUESTION_ANSWERING', 'FACT_VERIFICATION', 'CODE_RETRIEVAL_QUERY',
]);

interface OneEmbed {
  text: string;
  taskType: string;
  title: string;
  dimensions: number | undefined;
}

export function parseGeminiEmbedRequest(raw: unknown, path?: PathParams & { batch?: boolean }): ParsedEmbed {
  const body = expectBody(raw);
  const model = (path?.model ?? '').replace(/^models\//, '');
  if (!model) throw IrError.invalid('model: the URL names no model (expected /v1beta/models/{model}:embedContent)', 'model');
  const batch = path?.batch ?? false;

  let items: OneEmbed[];
  if (batch) {
    const requests = expectArray(field(body, 'requests'), 'requests');
    if (requests.length === 0) throw IrError.invalid('requests: must contain at least one request', 'requests');
    items = requests.map((r, i) => parseOne(expectObject(r, `requests[${i}]`), `requests[${i}].`, model));
    for (const key of ['taskType', 'title', 'dimensions'] as const) {
      const at = items.findIndex((item) => item[key] !== items[0]?.[key]);
      if (at > 0) {
        const name = key === 'dimensions' ? 'outputDimensionality' : key;
        throw IrError.invalid(`requests[${at}].${name}: every request of a batch must have the same ${name}; send the others in another call`, `requests[${at}].${name}`);
      }
    }
  } else {
    items = [parseOne(body, '', model)];
  }
  const first = items[0] as OneEmbed;
  return {
    request: {
      model,
      inputs: items.map((item) => ({ text: item.text, tokens: [] })),
      dimensions: first.dimensions,
      taskType: first.taskType,
      title: first.title,
      meta: { dialect: Dialect.DIALECT_GEMINI, requestId: '', tenantId: '', keyId: '', endUserId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
      droppedParams: [],
    },
    encoding: 'float',
    batch,
  };
}

function parseOne(r: JsonObject, prefix: string, model: string): OneEmbed {
  const named = optString(field(r, 'model'), `${prefix}model`);
  // batchEmbedContents repeats the model in every request (`models/{model}`); it must be the URL's.
  if (named !== undefined && named.replace(/^models\//, '') !== model) {
    throw IrError.invalid(`${prefix}model: "${named}" differs from the model in the URL ("models/${model}")`, `${prefix}model`);
  }
  const content = expectObject(field(r, 'content'), `${prefix}content`);
  const parts = expectArray(field(content, 'parts'), `${prefix}content.parts`);
  if (parts.length === 0) throw IrError.invalid(`${prefix}content.parts: must contain at least one part`, `${prefix}content.parts`);
  // Gemini embeds all the parts of a content as one text.
  const text = parts
    .map((p, j) => {
      const at = `${prefix}content.parts[${j}]`;
      const t = field(expectObject(p, at), 'text');
      if (t === undefined) throw IrError.invalid(`${at}: only text parts can be embedded`, at);
      return expectString(t, `${at}.text`);
    })
    .join(' ');
  const taskType = optString(field(r, 'taskType'), `${prefix}taskType`) ?? '';
  if (taskType && !TASK_TYPES.has(taskType)) throw IrError.invalid(`${prefix}taskType: unknown value "${taskType}"`, `${prefix}taskType`);
  return {
    text,
    taskType,
    title: optString(field(r, 'title'), `${prefix}title`) ?? '',
    dimensions: optInteger(field(r, 'outputDimensionality'), `${prefix}outputDimensionality`, 1),
  };
}

/** `{"embedding": {"values": [...]}}`, or `{"embeddings": [...]}` for batchEmbedContents, in input order. */
export function renderGeminiEmbedResponse(response: EmbedResponse, parsed: ParsedEmbed): string {
  const embeddings = [...(response.embeddings)].sort((a, b) => (a.index) - (b.index)).map((e) => ({ values: e.values }));
  if (parsed.batch) return JSON.stringify({ embeddings });
  return JSON.stringify({ embedding: embeddings[0] ?? { values: [] } });
}
