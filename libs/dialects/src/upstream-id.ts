import { familyOfDialect } from '@switchyard/ir';
import type { Dialect, StartEvent } from '@switchyard/ir';

// Fidelity on a same-family route (docs/architecture.md §2): an Anthropic client served by an
// Anthropic upstream gets its `msg_…` id, an OpenAI client served by an OpenAI-family upstream
// its `chatcmpl-…` (or the compatible server's own) id, a Gemini client Gemini's `responseId`,
// so an id the client logs can be looked up with the provider. Across families the id is ours
// (`msg_<request id>`, `chatcmpl-<request id>`, the request id), since another vendor's id
// does not have the form the client's SDK and tools expect. A cached answer's id was another
// request's, so a cache hit gets ours too.

/** The upstream's own response id when `start` says an upstream of `dialect`'s family answered; else undefined. */
export function upstreamIdFor(dialect: Dialect, start: StartEvent | undefined): string | undefined {
  if (!start?.id || start.cacheHit || !start.upstreamFamily) return undefined;
  return familyOfDialect(dialect) === start.upstreamFamily ? start.id : undefined;
}
