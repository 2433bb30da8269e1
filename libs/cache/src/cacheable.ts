import { FinishReason, ResponseEvent } from '@switchyard/ir';

// Endings that are the model's answer to the question. Not cached: ERROR, UNSPECIFIED (an end
// we do not understand) and CONTENT_FILTER (a moderation verdict that differs between
// deployments of one model, e.g. Azure's filters, and may not recur on a retry). A stop built
// without a reason counts as STOP, as ResponseFolder reads it.
const CACHEABLE_REASONS: ReadonlySet<FinishReason> = new Set([
  FinishReason.FINISH_REASON_STOP,
  FinishReason.FINISH_REASON_LENGTH,
  FinishReason.FINISH_REASON_TOOL_CALLS,
]);

/**
 * Whether a finished response may be cached: it began with `start`, has no error event (a
 * cancelled or failed stream ends in one, or has no stop at all), and every asked-for choice
 * (`choices`, the request's `n`, default 1) — and no other — ended with a cacheable stop.
 * One pass, no allocation beyond a bit per choice.
 */
export function isCacheable(events: readonly ResponseEvent[], choices = 1): boolean {
  if (!(choices >= 1) || events[0]?.event?.$case !== 'start') return false;
  const stopped = new Uint8Array(choices);
  let stops = 0;
  for (let i = 1; i < events.length; i++) {
    const e = events[i].event;
    if (!e) continue;
    switch (e.$case) {
      case 'start':
      case 'error':
        return false;
      case 'textDelta':
      case 'toolCallDelta':
      case 'reasoningDelta':
        if ((e.value.choice) >= choices) return false;
        break;
      case 'stop': {
        const choice = e.value.choice;
        if (choice >= choices || !CACHEABLE_REASONS.has(e.value.reason)) return false;
        if (!stopped[choice]) stops++;
        stopped[choice] = 1;
        break;
      }
      case 'usage':
        break;
    }
  }
  return stops === choices;
}
