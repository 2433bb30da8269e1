import type { ChatRequest, ContentPart, EmbedRequest } from '@switchyard/ir';

// Token counts for upstreams without a counting endpoint (the OpenAI family), with OpenAI's
// o200k_base encoding: exact for current OpenAI models' text, an estimate for other vendors'
// tokenizers and for the per-message framing, so answers say `estimated`.
// Loaded on first use: the encoding takes ~250 ms to load and most processes never count.
type Counter = (text: string) => number;
let counter: Counter | undefined;

function count(text: string): number {
  if (!text) return 0;
  if (!counter) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    counter = (require('gpt-tokenizer/encoding/o200k_base') as { countTokens: Counter }).countTokens;
  }
  return counter(text);
}

// OpenAI's chat format costs 3 tokens per message and 3 to prime the reply (OpenAI cookbook,
// "How to count tokens with tiktoken"); an image is counted at its low-detail cost.
const PER_MESSAGE = 3;
const REPLY_PRIMING = 3;
const IMAGE_TOKENS = 85;

/** Tokens of embeddings inputs (text, or pre-tokenised ids as given). */
export function countEmbedTokens(request: EmbedRequest): number {
  let n = 0;
  for (const input of request.inputs) n += input.tokens?.length ? input.tokens.length : count(input.text);
  return n;
}

export function countPromptTokens(request: ChatRequest): number {
  let n = REPLY_PRIMING;
  if (request.system?.length) n += PER_MESSAGE + partsTokens(request.system);
  for (const m of request.messages) n += PER_MESSAGE + partsTokens(m.content);
  for (const t of request.tools) n += count(t.name) + count(t.description) + count(t.parametersJson);
  return n;
}

function partsTokens(parts: ContentPart[] | undefined): number {
  let n = 0;
  for (const p of parts ?? []) {
    const part = p.part;
    switch (part?.$case) {
      case 'text':
        n += count(part.value.text);
        break;
      case 'reasoning':
        n += count(part.value.text);
        break;
      case 'toolCall':
        n += count(part.value.name) + count(part.value.argumentsJson);
        break;
      case 'toolResult':
        n += partsTokens(part.value.content);
        break;
      case 'image':
        n += IMAGE_TOKENS;
        break;
      default:
        break;
    }
  }
  return n;
}
