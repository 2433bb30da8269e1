// Gemini generateContent wire format (REST, camelCase JSON) as `@google/genai` declares it
// (dist/genai.d.ts: GenerateContentResponse, Candidate, Part, GenerateContentResponseUsageMetadata).
// Quirks reproduced on purpose:
// - a function call ends the turn with finishReason STOP; there is no tool-use reason;
// - candidatesTokenCount excludes thoughtsTokenCount, and totalTokenCount adds both
//   (https://ai.google.dev/gemini-api/docs/thinking);
// - the thought signature rides on the first functionCall part, otherwise on the last part
//   (https://ai.google.dev/gemini-api/docs/thought-signatures);
// - streamGenerateContent?alt=sse sends whole GenerateContentResponse objects separated by
//   CRLF CRLF, function calls arrive whole, and the last chunk carries finishReason and usage;
// - a SAFETY finish carries the candidate's safetyRatings; a blocked prompt gets no candidates,
//   only promptFeedback.blockReason (https://ai.google.dev/api/generate-content#PromptFeedback).
import { validateGeminiGenerate } from './gemini.validation';
import type { ProviderWire, StreamFrame } from './provider-wire.types';
import type { ResolvedUsage, SimulatedTurn } from './simulated-turn';
import type { SimulatedError, SimulatedFinishReason } from './simulator-scenario.types';
import { sseData } from './sse';

type Part = Record<string, unknown>;

const CRLF = '\r\n';
const FINISH_REASONS = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  tool_calls: 'STOP',
  content_filter: 'SAFETY',
} as const satisfies Record<SimulatedFinishReason, string>;

// google.rpc.Code names by HTTP status (https://ai.google.dev/gemini-api/docs/troubleshooting).
const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const MODEL_IDS = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.0-flash'];
const MODELS_BODY = {
  models: MODEL_IDS.map((id) => ({
    name: `models/${id}`,
    displayName: id,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
  })),
};

export const geminiWire: ProviderWire = {
  provider: 'gemini',
  requestIdHeader: undefined,
  jsonContentType: 'application/json; charset=UTF-8',
  streamContentType: 'text/event-stream',
  validate: validateGeminiGenerate,
  json: response,
  stream: responseChunks,
  errorBody,
  streamError: (error) => sseData(errorBody(error), CRLF),
  garbage: `data: {"candidates": [{"content": {"parts": [{"text": ${CRLF}${CRLF}`,
  models: () => MODELS_BODY,
};

/** The error for a request shape the simulator does not serve (kept next to the wire it describes). */
export const GEMINI_ALT_SSE_REQUIRED: SimulatedError = {
  status: 400,
  message: 'provider simulator: streamGenerateContent is only simulated with ?alt=sse',
};

const NEGLIGIBLE = 'NEGLIGIBLE';
const SAFETY_RATINGS = [
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: NEGLIGIBLE },
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: NEGLIGIBLE },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: NEGLIGIBLE },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
];

function response(turn: SimulatedTurn): unknown {
  if (turn.prepared.scenario.promptBlocked) return blockedPrompt(turn);
  return envelope(turn, partGroups(turn, false).flat(), true);
}

function responseChunks(turn: SimulatedTurn): StreamFrame[] {
  if (turn.prepared.scenario.promptBlocked) return [{ data: sseData(blockedPrompt(turn), CRLF), delta: false }];
  const groups = partGroups(turn, true);
  if (groups.length === 0) return [{ data: sseData(envelope(turn, [{ text: '' }], true), CRLF), delta: false }];
  return groups.map((parts, i) => ({ data: sseData(envelope(turn, parts, i === groups.length - 1), CRLF), delta: true }));
}

/** The answer's parts in groups: one per streamed chunk, or one per part for a whole response. */
function partGroups(turn: SimulatedTurn, streamed: boolean): Part[][] {
  const p = turn.prepared;
  const pieces = (whole: string, chunks: readonly string[]): readonly string[] =>
    streamed ? chunks : whole === '' ? [] : [whole];
  const groups: Part[][] = [];
  for (const piece of pieces(p.reasoning, p.reasoningChunks)) groups.push([{ text: piece, thought: true }]);
  for (const piece of pieces(p.content, p.contentChunks)) groups.push([{ text: piece }]);
  const calls: Part[] = p.toolCalls.map((call) => ({
    functionCall: { ...(call.id === undefined ? {} : { id: call.id }), name: call.name, args: call.input },
  }));
  if (calls.length > 0) groups.push(calls);
  if (p.reasoning !== '' && groups.length > 0) {
    const target = calls[0] ?? groups[groups.length - 1][0];
    target['thoughtSignature'] = p.signature;
  }
  return groups;
}

function envelope(turn: SimulatedTurn, parts: Part[], last: boolean): object {
  const candidate: Record<string, unknown> = { content: { parts, role: 'model' } };
  const { finishReason, scenario } = turn.prepared;
  if (last) candidate['finishReason'] = scenario.rawFinishReason ?? FINISH_REASONS[finishReason];
  candidate['index'] = 0;
  if (last && finishReason === 'content_filter') candidate['safetyRatings'] = SAFETY_RATINGS;
  return {
    candidates: [candidate],
    ...(last ? { usageMetadata: usageMetadata(turn.usage) } : {}),
    modelVersion: turn.model,
    responseId: `sim${turn.seq}`,
  };
}

function blockedPrompt(turn: SimulatedTurn): object {
  const input = turn.usage.input;
  return {
    promptFeedback: { blockReason: turn.prepared.scenario.rawFinishReason ?? 'SAFETY', safetyRatings: SAFETY_RATINGS },
    usageMetadata: { promptTokenCount: input, totalTokenCount: input, promptTokensDetails: [{ modality: 'TEXT', tokenCount: input }] },
    modelVersion: turn.model,
    responseId: `sim${turn.seq}`,
  };
}

function usageMetadata(u: ResolvedUsage): object {
  const metadata: Record<string, unknown> = {
    promptTokenCount: u.input,
    candidatesTokenCount: u.output - u.reasoning,
    totalTokenCount: u.input + u.output,
  };
  // The API omits the optional counters when they are zero.
  if (u.cachedInput > 0) metadata['cachedContentTokenCount'] = u.cachedInput;
  metadata['promptTokensDetails'] = [{ modality: 'TEXT', tokenCount: u.input }];
  if (u.reasoning > 0) metadata['thoughtsTokenCount'] = u.reasoning;
  return metadata;
}

function errorBody(error: SimulatedError): unknown {
  const status = error.type ?? STATUS_NAMES[error.status] ?? (error.status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  const body: Record<string, unknown> = { code: error.status, message: error.message ?? `Simulated ${status}`, status };
  const details: object[] = [...(error.details ?? [])];
  // Gemini tells clients when to retry with google.rpc.RetryInfo rather than a header.
  if (error.retryAfter !== undefined) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${error.retryAfter}s` });
  }
  if (details.length > 0) body['details'] = details;
  return { error: body };
}
