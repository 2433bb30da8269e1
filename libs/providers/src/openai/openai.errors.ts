import { ErrorEvent, ErrorKind, errorKindOfStatus, isRetryableStatus } from '@switchyard/ir';
import { textOf } from '../core/json-shape';
import { parseRetryAfterMs } from '../core/retry-after';
import { faultOf, upstreamError } from '../core/upstream-fault';

// OpenAI error bodies are `{"error":{"message","type","param","code"}}`; OpenAI-compatible
// servers mostly follow it (Ollama sends `{"error":"…"}`, vLLM a top-level `message`), some
// answer plain text. The body only classifies the failure: the tenant gets the fixed text of
// its cause (core/upstream-fault.ts), never the upstream's message.

// `context_length_exceeded` is OpenAI's documented code; vLLM and other compatible servers only
// say it in words ("This model's maximum context length is 8192 tokens").
const CONTEXT_LENGTH = /maximum context length|context length exceeded|context window/i;
// Azure OpenAI refuses a prompt its content filter flags with a 400 and code `content_filter`;
// OpenAI's image models use `content_policy_violation`.
const CONTENT_FILTER_CODES = new Set(['content_filter', 'content_policy_violation']);

interface OpenAiErrorFields {
  message: string;
  code: string | undefined;
}

function readError(body: string): OpenAiErrorFields {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string; code?: unknown } | string; message?: string };
    if (typeof parsed.error === 'string') return { message: parsed.error, code: undefined };
    const code = parsed.error?.code;
    // Strings only: a message of {"toString":1} made the context-length test throw.
    return { message: textOf(parsed.error?.message) || textOf(parsed.message), code: typeof code === 'string' ? code : undefined };
  } catch {
    return { message: '', code: undefined };
  }
}

export function mapOpenAiError(status: number, body: string, retryAfter: string | undefined): ErrorEvent {
  const { message, code } = readError(body);
  let kind = errorKindOfStatus(status);
  if (kind === ErrorKind.ERROR_KIND_INVALID_REQUEST) {
    if (code === 'context_length_exceeded' || CONTEXT_LENGTH.test(message)) kind = ErrorKind.ERROR_KIND_CONTEXT_LENGTH;
    else if (code && CONTENT_FILTER_CODES.has(code)) kind = ErrorKind.ERROR_KIND_CONTENT_FILTER;
  }
  return upstreamError(faultOf(kind, status), { status, retryable: isRetryableStatus(status), retryAfterMs: parseRetryAfterMs(retryAfter), code });
}
