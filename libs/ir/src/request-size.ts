import type { ChatRequest, ContentPart, EmbedRequest } from './generated/switchyard/ir/v1/ir';
import { tokensOfChars } from './stream-text';

// What a request may consume, measured by the ingress before admission (rate limits count the
// estimate, budgets reserve at the bound: docs/architecture.md §1, auth). No tokenizer on the
// hot path: the estimate is the usual four characters per token, and the bound uses UTF-8
// bytes, which no byte-level BPE or byte-fallback tokenizer exceeds.

export interface RequestSize {
  /** Typical prompt tokens (tokens per minute; corrected by the real count at the end). */
  inputEstimate: number;
  /** Prompt tokens the request cannot exceed, within the allowances below for media. */
  inputBound: number;
  /** Output tokens the request allows (max_tokens × n); 0 when it set no limit. */
  maxOutput: number;
}

/** Role markers and separators each message adds. */
const PER_MESSAGE = 4;
/**
 * One image: the largest any supported provider charges for one (OpenAI's patch-based models
 * cap an image at 1,536 patches × 1.62; Anthropic about 1,600; Gemini 258 per tile).
 */
const IMAGE_BOUND = 2_600;
const IMAGE_ESTIMATE = 800;
/** A file or audio clip given by reference: its size is unknown here. */
const REFERENCE_BOUND = 20_000;

/** Sizes one chat request. */
export function chatRequestSize(chat: ChatRequest): RequestSize {
  const size = { chars: 0, bytes: 0, estimate: 0, bound: 0 };
  addParts(size, chat.system);
  for (const m of chat.messages) {
    size.estimate += PER_MESSAGE;
    size.bound += PER_MESSAGE;
    addParts(size, m.content);
  }
  for (const t of chat.tools) {
    addText(size, t.name);
    addText(size, t.description);
    addText(size, t.parametersJson);
  }
  const maxTokens = chat.sampling?.maxTokens ?? 0;
  return {
    inputEstimate: size.estimate + tokensOfChars(size.chars),
    inputBound: size.bound + size.bytes,
    maxOutput: maxTokens * Math.max(1, chat.sampling?.n ?? 1),
  };
}

/** Sizes one embeddings request (no output). */
export function embedRequestSize(request: EmbedRequest): RequestSize {
  const size = { chars: 0, bytes: 0, estimate: 0, bound: 0 };
  for (const i of request.inputs) {
    addText(size, i.text);
    const ids = i.tokens?.length ?? 0;
    size.estimate += ids;
    size.bound += ids;
  }
  return { inputEstimate: size.estimate + tokensOfChars(size.chars), inputBound: size.bound + size.bytes, maxOutput: 0 };
}

interface Tally {
  chars: number;
  bytes: number;
  estimate: number;
  bound: number;
}

function addText(size: Tally, text: string | undefined): void {
  if (!text) return;
  size.chars += text.length;
  size.bytes += Buffer.byteLength(text, 'utf8');
}

function addParts(size: Tally, parts: ContentPart[] | undefined): void {
  for (const p of parts ?? []) {
    const part = p.part;
    if (!part) continue;
    switch (part.$case) {
      case 'text':
        addText(size, part.value.text);
        break;
      case 'reasoning':
        addText(size, part.value.text);
        addText(size, part.value.redactedData);
        break;
      case 'toolCall':
        addText(size, part.value.name);
        addText(size, part.value.argumentsJson);
        break;
      case 'toolResult':
        addParts(size, part.value.content);
        break;
      case 'image':
        size.estimate += IMAGE_ESTIMATE;
        size.bound += IMAGE_BOUND;
        break;
      case 'audio':
      case 'file': {
        // Inline media: its decoded bytes bound its tokens; by reference, an allowance.
        const data = part.value.data;
        const bytes = data ? Math.ceil((data.length * 3) / 4) : REFERENCE_BOUND;
        size.estimate += Math.ceil(bytes / 10);
        size.bound += bytes;
        break;
      }
    }
  }
}
