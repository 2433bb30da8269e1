import { ErrorKind, FinishReason, ResponseEvent } from '@switchyard/ir';

// Events shaped like a provider's, shared by the cache specs.
export const startEvent: ResponseEvent = { event: { $case: 'start', value: { id: 'resp-1', model: 'gpt-test', providerId: 'openai', deploymentId: 'd-1', attemptLog: [{ deploymentId: 'd-1', outcome: 'ok', status: 200 }] } } };
export const text = (t: string, choice = 0): ResponseEvent => ({ event: { $case: 'textDelta', value: { text: t, choice } } });
export const stop = (reason = FinishReason.FINISH_REASON_STOP, choice = 0): ResponseEvent => ({ event: { $case: 'stop', value: { reason, rawReason: 'stop', choice } } });
export const usageEvent: ResponseEvent = { event: { $case: 'usage', value: { inputTokens: 12, outputTokens: 3 } } };
export const errorEvent = (kind = ErrorKind.ERROR_KIND_UPSTREAM_ERROR): ResponseEvent => ({ event: { $case: 'error', value: { kind, message: 'boom' } } });

export const completeAnswer = (body = 'Hello there'): ResponseEvent[] => [startEvent, text(body), stop(), usageEvent];
