import type { SimulatedProvider } from './simulator-scenario.types';

// Where each wire keeps the prompt; tools and generation settings are not counted.
const PROMPT_FIELDS: Record<SimulatedProvider, readonly string[]> = {
  // Chat Completions keeps it in `messages`, the Responses API in `instructions` and `input`.
  openai: ['messages', 'instructions', 'input'],
  anthropic: ['system', 'messages'],
  gemini: ['systemInstruction', 'system_instruction', 'contents'],
};

// String leaves that are not prompt text: roles, tags, ids, and base64 payloads that would
// otherwise dwarf the text.
const SKIPPED_KEYS = new Set([
  'role', 'type', 'id', 'name', 'tool_call_id', 'tool_use_id', 'call_id', 'signature', 'thoughtSignature', 'encrypted_content', 'status',
  'data', 'url', 'image_url', 'file_data', 'mime_type', 'mimeType', 'media_type', 'cache_control',
]);

/**
 * Prompt tokens of a request body: a quarter of its prompt characters, at least 1. Chat usage,
 * the token-counting endpoints and embeddings all count this way, so they agree.
 */
export function promptTokens(body: unknown, provider: SimulatedProvider): number {
  return charactersToTokens(promptCharacters(body, provider));
}

/** Tokens of a piece of text, counted like a prompt. */
export function textTokens(value: unknown): number {
  return charactersToTokens(textLength(value));
}

function charactersToTokens(characters: number): number {
  return Math.max(1, Math.ceil(characters / 4));
}

/** Characters of prompt text in a request body; the simulator's stand-in for a tokenizer. */
export function promptCharacters(body: unknown, provider: SimulatedProvider): number {
  if (typeof body !== 'object' || body === null) return 0;
  const record = body as Record<string, unknown>;
  let total = 0;
  for (const field of PROMPT_FIELDS[provider]) total += textLength(record[field]);
  return total;
}

function textLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (typeof value !== 'object' || value === null) return 0;
  let total = 0;
  if (Array.isArray(value)) {
    for (const item of value) total += textLength(item);
    return total;
  }
  for (const key in value) {
    if (!SKIPPED_KEYS.has(key)) total += textLength((value as Record<string, unknown>)[key]);
  }
  return total;
}
