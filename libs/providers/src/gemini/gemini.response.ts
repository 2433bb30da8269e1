import { FinishReason, ResponseEvent, Usage } from '@switchyard/ir';
import { randomBytes } from 'node:crypto';
import { MINTED_CALL_ID_PREFIX } from './gemini.contents';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiLogprobsResult, GeminiPart, GeminiUsageMetadata } from './gemini.types';
import { countOf, objectOf, objectsOf } from '../core/json-shape';

// GenerateContentResponse → IR events. A streamed answer is a sequence of whole
// GenerateContentResponse objects, so the same CandidateReader serves both; it remembers, per
// candidate, how many function calls came (tool call indexes continue across chunks) and the
// finish reason, which becomes TOOL_CALLS when the candidate called a function (Gemini ends a
// function-calling turn with plain STOP).

export function geminiFinishToIr(reason: string, hadFunctionCall: boolean): FinishReason {
  switch (reason) {
    case 'STOP':
      return hadFunctionCall ? FinishReason.FINISH_REASON_TOOL_CALLS : FinishReason.FINISH_REASON_STOP;
    case 'MAX_TOKENS':
    // The per-request token limit was reached before the answer was complete.
    case 'CONTINUATION':
      return FinishReason.FINISH_REASON_LENGTH;
    case 'SAFETY':
    case 'RECITATION':
    case 'LANGUAGE':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
    case 'IMAGE_RECITATION':
      return FinishReason.FINISH_REASON_CONTENT_FILTER;
    // The model tried to call a function and failed: no usable call and usually no text.
    // Reporting a normal stop would hand the client an empty answer as if it were complete.
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
    case 'TOO_MANY_TOOL_CALLS':
      return FinishReason.FINISH_REASON_ERROR;
    default:
      return hadFunctionCall ? FinishReason.FINISH_REASON_TOOL_CALLS : FinishReason.FINISH_REASON_STOP;
  }
}

/** candidatesTokenCount excludes thoughts; IR output_tokens include them (docs/thinking). */
export function geminiUsageToIr(u: GeminiUsageMetadata): Usage {
  const thoughts = countOf(u.thoughtsTokenCount, 'thoughtsTokenCount');
  return {
    // Tokens of server-side tool results (google_search …) are prompt tokens the model read too.
    inputTokens: countOf(u.promptTokenCount, 'promptTokenCount') + countOf(u.toolUsePromptTokenCount, 'toolUsePromptTokenCount'),
    outputTokens: countOf(u.candidatesTokenCount, 'candidatesTokenCount') + thoughts,
    cachedInputTokens: u.cachedContentTokenCount ?? 0,
    reasoningTokens: thoughts,
    cacheCreationInputTokens: 0,
  };
}

interface CandidateState {
  calls: number;
  finishReason: string;
}

export class CandidateReader {
  private readonly states = new Map<number, CandidateState>();

  /** Choice indexes seen so far, in order. */
  get choices(): number[] {
    return [...this.states.keys()].sort((a, b) => a - b);
  }

  /** The deltas of one candidate of one response (or stream chunk). */
  read(c: GeminiCandidate, responseId: string, out: ResponseEvent[]): void {
    const choice = countOf(c.index, 'candidate index');
    const state = this.state(choice);
    let logprobs = c.logprobsResult ? logprobsJson(c.logprobsResult) : undefined;
    const content = c.content === undefined || c.content === null ? undefined : objectOf<NonNullable<GeminiCandidate['content']>>(c.content, 'content');
    for (const part of objectsOf<GeminiPart>(content?.parts, 'parts')) {
      const signature = part.thoughtSignature;
      if (part.functionCall) {
        const call = part.functionCall;
        const index = state.calls++;
        const value = { index, id: call.id || mintCallId(responseId, choice, index), name: call.name ?? '', argumentsDelta: JSON.stringify(call.args ?? {}), choice, signature: signature ?? '' };
        out.push({ event: { $case: 'toolCallDelta', value } });
      } else if (part.thought) {
        if (part.text || signature) out.push({ event: { $case: 'reasoningDelta', value: signature ? { text: part.text ?? '', signature, choice, redactedData: '' } : { text: part.text ?? '', choice, signature: '', redactedData: '' } } });
      } else if (part.text !== undefined) {
        // A signature may come alone on an empty text part at the end of a stream.
        if (!part.text && !signature) continue;
        out.push({ event: { $case: 'textDelta', value: { text: part.text, choice, logprobsJson: logprobs ?? '', signature: signature ?? '' } } });
        logprobs = undefined;
      }
      // inlineData / executableCode / codeExecutionResult answers have no IR form yet.
    }
    if (c.finishReason) state.finishReason = c.finishReason;
  }

  /** The stop event of a candidate, or undefined when it has not finished. */
  stop(choice: number): ResponseEvent | undefined {
    const state = this.states.get(choice);
    if (!state?.finishReason) return undefined;
    return { event: { $case: 'stop', value: { reason: geminiFinishToIr(state.finishReason, state.calls > 0), rawReason: state.finishReason, choice, stopSequence: '' } } };
  }

  private state(choice: number): CandidateState {
    let s = this.states.get(choice);
    if (!s) {
      s = { calls: 0, finishReason: '' };
      this.states.set(choice, s);
    }
    return s;
  }
}

export function parseGeminiResponse(raw: unknown): ResponseEvent[] {
  const body = raw as GeminiGenerateContentResponse | null;
  const candidates = body && typeof body === 'object' ? objectsOf<GeminiCandidate>(body.candidates, 'candidates') : [];
  const blockReason = body?.promptFeedback?.blockReason;
  if (!body || (candidates.length === 0 && !blockReason)) throw new Error('upstream response has no candidates');
  const responseId = body.responseId ?? '';
  const events: ResponseEvent[] = [{ event: { $case: 'start', value: { id: responseId, model: body.modelVersion ?? '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } }];
  if (candidates.length === 0) events.push(blockedStop(blockReason ?? ''));
  const reader = new CandidateReader();
  for (const c of candidates) {
    reader.read(c, responseId, events);
    const choice = countOf(c.index, 'candidate index');
    // Every candidate of a whole response has finished; a missing reason is read as STOP.
    events.push(reader.stop(choice) ?? { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, rawReason: '', choice, stopSequence: '' } } });
  }
  if (body.usageMetadata) events.push({ event: { $case: 'usage', value: geminiUsageToIr(body.usageMetadata) } });
  return events;
}

/** The prompt itself was blocked (promptFeedback.blockReason): no candidate was generated. */
export function blockedStop(blockReason: string): ResponseEvent {
  return { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_CONTENT_FILTER, rawReason: blockReason, choice: 0, stopSequence: '' } } };
}

// Gemini 2.x answers function calls without ids; clients need one to send the result back.
// Derived from the response id when there is one, so every call's id is unique and the same
// answer always reads the same.
function mintCallId(responseId: string, choice: number, index: number): string {
  return `${MINTED_CALL_ID_PREFIX}${responseId || randomBytes(12).toString('hex')}_${choice}_${index}`;
}

// Gemini logprobs (chosenCandidates / topCandidates per decoding step) in the OpenAI shape the
// IR carries ({"content":[{token, logprob, bytes, top_logprobs}]}).
function logprobsJson(r: GeminiLogprobsResult): string | undefined {
  const chosen = objectsOf<{ token?: string; logProbability?: number }>(r.chosenCandidates, 'logprobs');
  if (chosen.length === 0) return undefined;
  const entry = (c: { token?: unknown; logProbability?: unknown }) => {
    const token = typeof c.token === 'string' ? c.token : '';
    return { token, logprob: typeof c.logProbability === 'number' ? c.logProbability : 0, bytes: [...Buffer.from(token, 'utf8')] };
  };
  const content = chosen.map((c, i) => ({ ...entry(c), top_logprobs: objectsOf<{ token?: unknown }>(objectsOf<{ candidates?: unknown }>(r.topCandidates, 'logprobs')[i]?.candidates, 'logprobs').map(entry) }));
  return JSON.stringify({ content });
}
