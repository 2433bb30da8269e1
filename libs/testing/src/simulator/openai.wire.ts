// OpenAI Chat Completions wire format, field for field as the `openai` SDK declares it
// (resources/chat/completions/completions.d.ts: ChatCompletion, ChatCompletionChunk,
// ChatCompletionTokenLogprob; resources/completions.d.ts: CompletionUsage). Chat Completions
// never returns reasoning text, so by default a scenario's reasoning shows up only as
// completion_tokens_details.reasoning_tokens; `openAiReasoningField` sends it the way
// OpenAI-compatible servers do (DeepSeek `reasoning_content`, first, with `content: null`).
// Azure OpenAI (the `azure` variant) adds content-filter annotations: `prompt_filter_results`
// on the response, and a first stream chunk with no choices, empty id and model that carries
// only them (learn.microsoft.com/azure/ai-services/openai/concepts/content-filter;
// github.com/Azure/azure-sdk-for-go/issues/21086); each choice carries `content_filter_results`.
import { contentLogprobs, requestedLogprobs } from './openai-logprobs';
import { validateOpenAiChat } from './openai.validation';
import type { ProviderWire, StreamFrame } from './provider-wire.types';
import type { ResolvedUsage, SimulatedTurn, WireVariant } from './simulated-turn';
import type { SimulatedError } from './simulator-scenario.types';
import { SSE_CONTENT_TYPE, sseData } from './sse';

const SYSTEM_FINGERPRINT = 'fp_simulator';
const MODEL_IDS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'o4-mini', 'text-embedding-3-small', 'text-embedding-3-large'];
const MODELS_BODY = {
  object: 'list',
  data: MODEL_IDS.map((id) => ({ id, object: 'model', created: 1715367049, owned_by: 'system' })),
};

const SAFE = { filtered: false, severity: 'safe' };
const CONTENT_FILTER_SAFE = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const CONTENT_FILTER_HIT = { ...CONTENT_FILTER_SAFE, violence: { filtered: true, severity: 'medium' } };
const PROMPT_FILTER_RESULTS = [
  { prompt_index: 0, content_filter_results: { ...CONTENT_FILTER_SAFE, jailbreak: { filtered: false, detected: false } } },
];
// Azure's answer to a prompt its content filter blocks: HTTP 400, code content_filter, param prompt.
const AZURE_PROMPT_FILTERED: SimulatedError = {
  status: 400,
  body: {
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
      type: null,
      param: 'prompt',
      code: 'content_filter',
      status: 400,
      innererror: {
        code: 'ResponsibleAIPolicyViolation',
        content_filter_result: { ...PROMPT_FILTER_RESULTS[0].content_filter_results, violence: { filtered: true, severity: 'high' } },
      },
    },
  },
};

export const openAiWire: ProviderWire = {
  provider: 'openai',
  requestIdHeader: 'x-request-id',
  jsonContentType: 'application/json',
  streamContentType: SSE_CONTENT_TYPE,
  validate: validateOpenAiChat,
  json: completion,
  stream: completionChunks,
  errorBody,
  streamError: (error) => sseData(errorBody(error)),
  garbage: 'data: {"id":"chatcmpl-garbage","object":"chat.completion.chunk","choices":[{"delta":\n\n',
  models: () => MODELS_BODY,
  promptBlockedError: (variant: WireVariant) => (variant === 'azure' ? AZURE_PROMPT_FILTERED : undefined),
};

function completion(turn: SimulatedTurn): unknown {
  const { content, reasoning, toolCalls, scenario } = turn.prepared;
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: content === '' && toolCalls.length > 0 ? null : content,
    refusal: null,
    annotations: [],
  };
  const reasoningField = scenario.openAiReasoningField;
  if (reasoningField && reasoning !== '') message[reasoningField] = reasoning;
  if (toolCalls.length > 0) {
    message['tool_calls'] = toolCalls.map((call, i) => ({
      id: toolCallId(turn, i),
      type: 'function',
      function: { name: call.name, arguments: call.json },
    }));
  }
  const top = requestedLogprobs(turn.body);
  const choice: Record<string, unknown> = {
    index: 0,
    message,
    logprobs: top === undefined ? null : contentLogprobs(content, top),
    finish_reason: finishReason(turn),
  };
  if (turn.variant === 'azure') choice['content_filter_results'] = contentFilterResults(turn);
  return {
    id: completionId(turn),
    object: 'chat.completion',
    created: nowSeconds(),
    model: turn.model,
    choices: [choice],
    usage: usage(turn.usage),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
    ...(turn.variant === 'azure' ? { prompt_filter_results: PROMPT_FILTER_RESULTS } : {}),
  };
}

function completionChunks(turn: SimulatedTurn): StreamFrame[] {
  const { contentChunks, reasoningChunks, toolCalls, scenario } = turn.prepared;
  const includeUsage = wantsUsage(turn.body);
  const top = requestedLogprobs(turn.body);
  const azure = turn.variant === 'azure';
  const base = {
    id: completionId(turn),
    object: 'chat.completion.chunk',
    created: nowSeconds(),
    model: turn.model,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
  // With include_usage every chunk carries `usage: null` and one extra chunk carries the totals.
  const chunk = (delta: object, finish: string | null, logprobs: object | null = null): string =>
    sseData({
      ...base,
      choices: [{ index: 0, delta, logprobs, finish_reason: finish, ...(azure ? { content_filter_results: CONTENT_FILTER_SAFE } : {}) }],
      ...(includeUsage ? { usage: null } : {}),
    });
  const frames: StreamFrame[] = [];
  if (azure) {
    frames.push({ data: sseData({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTER_RESULTS }), delta: false });
  }
  const toolStart = (i: number): object => ({
    index: i,
    id: toolCallId(turn, i),
    type: 'function',
    function: { name: toolCalls[i].name, arguments: '' },
  });
  const reasoningField = scenario.openAiReasoningField;
  const reasoningPieces = reasoningField ? reasoningChunks : [];
  // A tool-only answer opens with the first call, content null, as the API does; a reasoning
  // server opens with an empty reasoning delta and content null (DeepSeek).
  const toolsFirst = contentChunks.length === 0 && reasoningPieces.length === 0 && toolCalls.length > 0;
  const opening =
    toolsFirst ? { role: 'assistant', content: null, tool_calls: [toolStart(0)], refusal: null }
    : reasoningField && reasoningPieces.length > 0 ? { role: 'assistant', content: null, [reasoningField]: '' }
    : { role: 'assistant', content: '', refusal: null };
  frames.push({ data: chunk(opening, null), delta: false });
  for (const piece of reasoningPieces) frames.push({ data: chunk({ content: null, [reasoningField as string]: piece }, null), delta: true });
  for (const piece of contentChunks) {
    frames.push({ data: chunk({ content: piece }, null, top === undefined ? null : contentLogprobs(piece, top)), delta: true });
  }
  toolCalls.forEach((call, i) => {
    if (i > 0 || !toolsFirst) frames.push({ data: chunk({ tool_calls: [toolStart(i)] }, null), delta: false });
    for (const piece of call.jsonChunks) {
      frames.push({ data: chunk({ tool_calls: [{ index: i, function: { arguments: piece } }] }, null), delta: true });
    }
  });
  frames.push({ data: chunk({}, finishReason(turn)), delta: false });
  if (includeUsage) frames.push({ data: sseData({ ...base, choices: [], usage: usage(turn.usage) }), delta: false });
  frames.push({ data: 'data: [DONE]\n\n', delta: false });
  return frames;
}

function finishReason(turn: SimulatedTurn): string {
  return turn.prepared.scenario.rawFinishReason ?? turn.prepared.finishReason;
}

function contentFilterResults(turn: SimulatedTurn): object {
  return turn.prepared.finishReason === 'content_filter' ? CONTENT_FILTER_HIT : CONTENT_FILTER_SAFE;
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
  return { error: { message: error.message ?? message, type: error.type ?? type, param: error.param ?? null, code: error.code ?? code } };
}

function wantsUsage(body: unknown): boolean {
  const options = (body as { stream_options?: { include_usage?: unknown } } | undefined)?.stream_options;
  return options?.include_usage === true;
}

const completionId = (turn: SimulatedTurn): string => `chatcmpl-sim${turn.seq}`;
const toolCallId = (turn: SimulatedTurn, i: number): string =>
  turn.prepared.toolCalls[i].id ?? `call_sim${turn.seq}x${i}`;
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
