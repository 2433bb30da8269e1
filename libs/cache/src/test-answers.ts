import { ErrorKind, FinishReason, ResponseEvent } from '@switchyard/ir';

// Events shaped like a provider's, shared by the cache specs.
export const startEvent: ResponseEvent = { event: { $case: 'start', value: { id: 'resp-1', model: 'gpt-test', providerId: 'openai', deploymentId: 'd-1', attemptLog: [{ deploymentId: 'd-1', outcome: 'ok', status: 200, providerId: '', model: '', durationMs: 0, hedge: false }], upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false } } };
export const text = (t: string, choice = 0): ResponseEvent => ({ event: { $case: 'textDelta', value: { text: t, choice, logprobsJson: '', signature: '' } } });
export const stop = (reason = FinishReason.FINISH_REASON_STOP, choice = 0): ResponseEvent => ({ event: { $case: 'stop', value: { reason, rawReason: 'stop', choice, stopSequence: '' } } });
export const usageEvent: ResponseEvent = { event: { $case: 'usage', value: { inputTokens: 12, outputTokens: 3, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } } };
export const errorEvent = (kind = ErrorKind.ERROR_KIND_UPSTREAM_ERROR): ResponseEvent => ({ event: { $case: 'error', value: { kind, message: 'boom', providerStatus: 0, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] } } });

export const completeAnswer = (body = 'Hello there'): ResponseEvent[] => [startEvent, text(body), stop(), usageEvent];
