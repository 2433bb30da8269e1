import { ErrorEvent, errorKindOfStatus, isRetryableStatus } from '@switchyard/ir';
import { parseRetryAfterMs } from '../core/retry-after';

// OpenAI error bodies are `{"error":{"message","type","param","code"}}`; OpenAI-compatible
// servers mostly follow it, some answer plain text: keep a bounded excerpt then.
export function mapOpenAiError(status: number, body: string, retryAfter: string | undefined): ErrorEvent {
  let message = '';
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    message = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message ?? parsed.message ?? '';
  } catch {
    message = body.slice(0, 500);
  }
  return {
    kind: errorKindOfStatus(status),
    providerStatus: status,
    message: `upstream returned ${status}${message ? `: ${message}` : ''}`,
    retryable: isRetryableStatus(status),
    retryAfterMs: parseRetryAfterMs(retryAfter),
  };
}
