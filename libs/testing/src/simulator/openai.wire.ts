// OpenAI Chat Completions wire format, field for field as the `openai` SDK declares it
// (resources/chat/completions/completions.d.ts: ChatCompletion, ChatCompletionChunk;
// resources/completions.d.ts: CompletionUsage). Chat Completions never returns reasoning text,
// so a scenario's reasoning shows up only as completion_tokens_details.reasoning_tokens.
import type { ProviderWire, StreamFrame } from './provider-wire.types';
import type { ResolvedUsage, SimulatedTurn } from './simulated-turn';
import type { SimulatedError } from './simulator-scenario.types';
import { SSE_CONTENT_TYPE, sseData } from './sse';

const SYSTEM_FINGERPRINT = 'fp_simulator';
const MODEL_IDS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'o4-mini'];
const MODELS_BODY = {
  object: 'list',
  data: MODEL_IDS.map((id) => ({ id, object: 'model', created: 1715367049, owned_by: 'system' })),
};

export const openAiWire: ProviderWire = {
  provider: 'openai',
  requestIdHeader: 'x-request-id',
  jsonContentType: 'application/json',
  streamContentType: SSE_CONTENT_TYPE,
  json: completion,
  stream: completionChunks,
  errorBody,
  streamError: (error) => sseData(errorBody(error)),
  garbage: 'data: {"id":"chatcmpl-garbage","object":"chat.completion.chunk","choices":[{"delta":\n\n',
  models: () => MODELS_BODY,
};

function completion(turn: SimulatedTurn): unknown {
  const { content, toolCalls, finishReason } = turn.prepared;
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: content === '' && toolCalls.length > 0 ? null : content,
    refusal: null,
    annotations: [],
  };
  if (toolCalls.length > 0) {
    message['tool_calls'] = toolCalls.map((call, i) => ({
      id: toolCallId(turn, i),
      type: 'function',
      function: { name: call.name, arguments: call.json },
    }));
  }
  return {
    id: completionId(turn),
    object: 'chat.completion',
    created: nowSeconds(),
    model: turn.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: usage(turn.usage),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

function completionChunks(turn: SimulatedTurn): StreamFrame[] {
  const { contentChunks, toolCalls, finishReason } = turn.prepared;
  const includeUsage = wantsUsage(turn.body);
  const base = {
    id: completionId(turn),
    object: 'chat.completion.chunk',
    created: nowSeconds(),
    model: turn.model,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
  // With include_usage every chunk carries `usage: null` and one extra chunk carries the totals.
  const chunk = (delta: object, finish: string | null): string =>
    sseData({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
  const frames: StreamFrame[] = [];
  const toolStart = (i: number): object => ({
    index: i,
    id: toolCallId(turn, i),
    type: 'function',
    function: { name: toolCalls[i].name, arguments: '' },
  });
  // A tool-only answer opens with the first call, content null, as the API does.
  const toolsFirst = contentChunks.length === 0 && toolCalls.length > 0;
  const opening = toolsFirst
    ? { role: 'assistant', content: null, tool_calls: [toolStart(0)], refusal: null }
    : { role: 'assistant', content: '', refusal: null };
  frames.push({ data: chunk(opening, null), delta: false });
  for (const piece of contentChunks) frames.push({ data: chunk({ content: piece }, null), delta: true });
  toolCalls.forEach((call, i) => {
    if (i > 0 || !toolsFirst) frames.push({ data: chunk({ tool_calls: [toolStart(i)] }, null), delta: false });
    for (const piece of call.jsonChunks) {
      frames.push({ data: chunk({ tool_calls: [{ index: i, function: { arguments: piece } }] }, null), delta: true });
    }
  });
  frames.push({ data: chunk({}, finishReason), delta: false });
  if (includeUsage) frames.push({ data: sseData({ ...base, choices: [], usage: usage(turn.usage) }), delta: false });
  frames.push({ data: 'data: [DONE]\n\n', delta: false });
  return frames;
}

function usage(u: ResolvedUsage): object {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cachedInput, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

// https://platform.openai.com/docs/guides/error-codes: the body is {error:{message,type,param,code}}.
function errorBody(error: SimulatedError): unknown {
  const { status } = error;
  const [type, code, message] =
    status === 401 ? ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided.']
    : status === 404 ? ['invalid_request_error', 'model_not_found', 'The model does not exist or you do not have access to it.']
    : status === 429 ? ['requests', 'rate_limit_exceeded', 'Rate limit reached for requests.']
    : status >= 500 ? ['server_error', null, 'The server had an error while processing your request. Sorry about that!']
    : ['invalid_request_error', null, 'Invalid request.'];
  return { error: { message: error.message ?? message, type: error.type ?? type, param: null, code } };
}

function wantsUsage(body: unknown): boolean {
  const options = (body as { stream_options?: { include_usage?: unknown } } | undefined)?.stream_options;
  return options?.include_usage === true;
}

const completionId = (turn: SimulatedTurn): string => `chatcmpl-sim${turn.seq}`;
const toolCallId = (turn: SimulatedTurn, i: number): string =>
  turn.prepared.toolCalls[i].id ?? `call_sim${turn.seq}x${i}`;
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
