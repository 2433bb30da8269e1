// Chat Completions logprobs (`logprobs: true`, `top_logprobs: n`) as the `openai` SDK declares
// them (ChatCompletionTokenLogprob): one entry per token with its UTF-8 bytes, the chosen token
// first among the alternatives. Tokens are the text's words with their leading whitespace, so
// the tokens of a stream's deltas concatenate back to the content; values are stable per token.
import { stableHash } from './stable-hash';

const TOKEN = /\s*\S+|\s+$/g;

/** Whether the request asked for logprobs, and how many alternatives per token. */
export function requestedLogprobs(body: unknown): number | undefined {
  const b = body as { logprobs?: unknown; top_logprobs?: unknown } | undefined;
  if (b?.logprobs !== true) return undefined;
  return typeof b.top_logprobs === 'number' ? b.top_logprobs : 0;
}

/** The `choices[].logprobs` object for a piece of content. */
export function contentLogprobs(text: string, top: number): object {
  const content = (text.match(TOKEN) ?? []).map((token) => {
    const logprob = tokenLogprob(token);
    const alternatives = Array.from({ length: top }, (_, k) =>
      k === 0 ? entry(token, logprob) : entry(`${token.trimEnd()}~${k}`, logprob - k * 1.5),
    );
    return { ...entry(token, logprob), top_logprobs: alternatives };
  });
  return { content, refusal: null };
}

function entry(token: string, logprob: number): { token: string; logprob: number; bytes: number[] } {
  return { token, logprob, bytes: Array.from(Buffer.from(token, 'utf8')) };
}

// Between -0.5 and 0: confident, as a model usually is about its own tokens.
function tokenLogprob(token: string): number {
  return -(stableHash(token) % 5000) / 10_000;
}
