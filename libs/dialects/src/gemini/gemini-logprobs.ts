import { isObject } from '../json-guards';
import type { GeminiCandidate, GeminiLogprobsCandidate, GeminiLogprobsResult } from './gemini.types';

// The IR carries logprobs as OpenAI writes them ({"content":[{token, logprob, top_logprobs}]}
// per fragment, TextDelta.logprobs_json); Gemini answers responseLogprobs with a
// logprobsResult (chosenCandidates, and topCandidates when `logprobs` = N) and avgLogprobs on
// the candidate (ai.google.dev/api/generate-content#LogprobsResult).

function entries(fragments: readonly string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const fragment of fragments) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fragment);
    } catch {
      continue;
    }
    const content = isObject(parsed) ? parsed['content'] : undefined;
    if (Array.isArray(content)) for (const e of content) if (isObject(e)) out.push(e);
  }
  return out;
}

function logprobsCandidate(e: Record<string, unknown>): GeminiLogprobsCandidate {
  return { token: typeof e['token'] === 'string' ? e['token'] : '', logProbability: typeof e['logprob'] === 'number' ? e['logprob'] : 0 };
}

export function geminiLogprobs(fragments: readonly string[]): GeminiLogprobsResult | undefined {
  const tokens = entries(fragments);
  if (tokens.length === 0) return undefined;
  const chosenCandidates = tokens.map(logprobsCandidate);
  const tops = tokens.map((t) => (Array.isArray(t['top_logprobs']) ? t['top_logprobs'].filter(isObject).map(logprobsCandidate) : []));
  return tops.some((t) => t.length) ? { topCandidates: tops.map((candidates) => ({ candidates })), chosenCandidates } : { chosenCandidates };
}

/** The candidate with logprobsResult and avgLogprobs added, when the fragments hold any. */
export function withLogprobs(candidate: GeminiCandidate, fragments: readonly string[] | undefined): GeminiCandidate {
  const result = fragments?.length ? geminiLogprobs(fragments) : undefined;
  if (!result) return candidate;
  const sum = result.chosenCandidates.reduce((acc, c) => acc + c.logProbability, 0);
  const { index, ...head } = candidate;
  return { ...head, avgLogprobs: sum / result.chosenCandidates.length, index, logprobsResult: result };
}
