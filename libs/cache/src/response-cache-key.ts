import { createHash } from 'node:crypto';
import {
  ChatRequest, ContentPart, Message, Reasoning, Reasoning_Effort, ResponseFormat, ResponseFormat_Type, Sampling, Tool, ToolChoice, ToolChoice_Mode,
} from '@switchyard/ir';

/** Namespace of every response-cache key; bump `v1` when canonicalChatRequest changes meaning. */
export const RESPONSE_CACHE_KEY_PREFIX = 'sy:rc:v1:';

/**
 * The canonical key: sha256 over the protobuf encoding of the canonical request, scoped per
 * tenant (`sy:rc:v1:{tenant}:{hex}`), so one tenant's answers are never served to another.
 *
 * Protobuf encoding is deterministic here: ts-proto writes fields in field-number order,
 * skips defaults (so `''`, `[]` and `undefined` encode alike), and ChatRequest has no maps.
 */
export function responseCacheKey(tenantId: string, request: ChatRequest): string {
  const bytes = ChatRequest.encode(canonicalChatRequest(request)).finish();
  return `${RESPONSE_CACHE_KEY_PREFIX}${tenantId}:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * The request with everything that cannot change the answer removed or normalised, so the same
 * question asked through any dialect is one entry:
 * - dropped: `meta` (request id, tenant — in the key's scope instead —, key, end user, region,
 *   dialect, cache mode, allowed regions), `stream`, `includeUsage`, `droppedParams`, and
 *   `extensions` when its JSON is empty (then only the dialect tag would differ);
 * - dropped: `cacheControlJson` on content parts and tools (Anthropic prompt-caching markers
 *   change what the upstream bills, not what it says), and a tool result's function name when
 *   it has a call id (the id names the call; not every dialect repeats the name);
 * - normalised to "absent": sampling `n: 1`, `logprobs: false` (and `topLogprobs` without
 *   logprobs), a tool choice of plain `auto`, a `text` response format, an empty reasoning;
 *   stop sequences sorted and de-duplicated (a set, not a list); the name the client gave
 *   max_tokens (`sampling.maxTokensField`) and a forwarded `anthropic-version` removed.
 * Kept verbatim: model, system, messages (with earlier tool-call ids and signatures: they are
 * part of the conversation), tools, other sampling values, non-empty extensions. JSON inside the
 * IR (tool schemas, tool arguments, extensions) is compared as text.
 */
export function canonicalChatRequest(request: ChatRequest): ChatRequest {
  // Spread, then remove: a field added to ChatRequest later is part of the key until someone
  // decides it cannot change the answer (a split cache, never a wrong answer).
  return {
    ...request,
    system: request.system && canonicalParts(request.system),
    messages: request.messages?.map(canonicalMessage),
    tools: request.tools?.map(canonicalTool),
    toolChoice: canonicalToolChoice(request.toolChoice),
    // Always present, so an absent and an empty sampling encode alike.
    sampling: canonicalSampling(request.sampling ?? { stop: [] }),
    responseFormat: canonicalResponseFormat(request.responseFormat),
    reasoning: canonicalReasoning(request.reasoning),
    extensions: request.extensions?.json ? request.extensions : undefined,
    vendorHeaders: canonicalVendorHeaders(request.vendorHeaders),
    stream: false,
    includeUsage: false,
    meta: undefined,
    droppedParams: [],
  };
}

// A client's anthropic-version picks the wire format, which the adapter reads into the same IR
// answer, so it does not split the cache (an OpenAI and an Anthropic client asking the same
// question still share one answer); beta headers change what the upstream does, so they stay.
function canonicalVendorHeaders(headers: ChatRequest['vendorHeaders']): ChatRequest['vendorHeaders'] {
  const kept = headers?.headers.filter((h) => h.name !== 'anthropic-version') ?? [];
  return kept.length ? { headers: kept } : undefined;
}

// Copies only parts that change: most requests have none and are not copied.
function canonicalParts(parts: ContentPart[]): ContentPart[] {
  return parts.some(needsCanonicalForm) ? parts.map(canonicalPart) : parts;
}

function needsCanonicalForm(part: ContentPart): boolean {
  if (part.cacheControlJson) return true;
  const e = part.part;
  return e?.$case === 'toolResult' && ((!!e.value.name && !!e.value.callId) || !!e.value.content?.some(needsCanonicalForm));
}

function canonicalPart(part: ContentPart): ContentPart {
  if (!needsCanonicalForm(part)) return part;
  const e = part.part;
  if (e?.$case === 'toolResult') {
    // A result's function name is the name of the call its id answers (OpenAI sends only the
    // id, Anthropic's parser fills the name in): with an id, the name adds nothing.
    const { callId, content } = e.value;
    return { part: { $case: 'toolResult', value: { ...e.value, name: callId ? '' : e.value.name, content: content && canonicalParts(content) } }, cacheControlJson: '' };
  }
  return { part: e, cacheControlJson: '' };
}

function canonicalMessage(message: Message): Message {
  if (!message.content || !message.content.some(needsCanonicalForm)) return message;
  return { ...message, content: canonicalParts(message.content) };
}

function canonicalTool(tool: Tool): Tool {
  return tool.cacheControlJson ? { ...tool, cacheControlJson: '' } : tool;
}

function canonicalToolChoice(choice: ToolChoice | undefined): ToolChoice | undefined {
  if (!choice) return undefined;
  const auto = choice.mode === undefined || choice.mode === ToolChoice_Mode.MODE_UNSPECIFIED || choice.mode === ToolChoice_Mode.MODE_AUTO;
  // `auto` is every provider's default when tools are given, and meaningless without them.
  return auto && !choice.disableParallel && !choice.name ? undefined : choice;
}

function canonicalSampling(sampling: Sampling): Sampling {
  // Which name carried max_tokens changes nothing the model says.
  const { maxTokensField: _name, ...s } = sampling;
  const logprobs = s.logprobs === true;
  return {
    ...s,
    stop: s.stop && s.stop.length > 1 ? [...new Set(s.stop)].sort() : s.stop,
    // One choice is what every upstream returns when n is not sent.
    n: s.n === 1 ? undefined : s.n,
    logprobs: logprobs || undefined,
    topLogprobs: logprobs ? s.topLogprobs : undefined,
  };
}

function canonicalResponseFormat(format: ResponseFormat | undefined): ResponseFormat | undefined {
  if (!format) return undefined;
  const plain = format.type === undefined || format.type === ResponseFormat_Type.TYPE_UNSPECIFIED || format.type === ResponseFormat_Type.TYPE_TEXT;
  return plain && !format.schemaJson ? undefined : format;
}

function canonicalReasoning(reasoning: Reasoning | undefined): Reasoning | undefined {
  if (!reasoning) return undefined;
  const noEffort = reasoning.effort === undefined || reasoning.effort === Reasoning_Effort.EFFORT_UNSPECIFIED;
  return noEffort && reasoning.budgetTokens === undefined ? undefined : reasoning;
}
