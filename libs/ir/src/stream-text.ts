import { ChatRequest, ContentPart } from './generated/switchyard/ir/v1/ir';

/** The usual rough ratio of text to tokens, for estimates made before (or without) an upstream count. */
const CHARS_PER_TOKEN = 4;

/** Tokens of `chars` characters of text, by CHARS_PER_TOKEN. */
export function tokensOfChars(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** Estimated prompt tokens of a request's text (system and messages). */
export function estimatePromptTokens(request: ChatRequest): number {
  return tokensOfChars(requestTextLength(request));
}

/** All text of a request (system and messages), e.g. to estimate tokens before the upstream counts them. */
export function requestTextLength(request: ChatRequest): number {
  let n = partsTextLength(request.system);
  for (const m of request.messages) n += partsTextLength(m.content);
  return n;
}

function partsTextLength(parts: ContentPart[] | undefined): number {
  let n = 0;
  for (const p of parts ?? []) {
    const part = p.part;
    if (!part) continue;
    if (part.$case === 'text') n += part.value.text?.length ?? 0;
    else if (part.$case === 'toolResult') n += partsTextLength(part.value.content);
    else if (part.$case === 'toolCall') n += part.value.argumentsJson?.length ?? 0;
  }
  return n;
}
