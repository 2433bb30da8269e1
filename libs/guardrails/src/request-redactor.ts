import { MediaOperation } from '@switchyard/ir';
import type { ChatRequest, ContentPart, EmbedRequest, MediaRequest } from '@switchyard/ir';
import type { PiiRedaction } from './pii-redaction';

/**
 * Every text a chat request carries to the upstream, through `redaction` (in place): the system
 * parts, each message's text parts, tool call arguments (JSON text: a placeholder holds no
 * character JSON would escape), and tool results with their nested parts. Not touched, each on
 * purpose: reasoning parts (signed by the provider, which rejects an edited replay), images,
 * audio and files (binary), tool definitions (the operator's and the client's code, not user
 * data), and the dialect's passthrough extensions. First every text the upstream will see —
 * those left untouched included — reserves the placeholder-shaped runs it holds, so that no
 * placeholder minted for this request equals one the client typed (`PiiRedaction`).
 */
export function redactChatRequest(request: ChatRequest, redaction: PiiRedaction): void {
  for (const tool of request.tools) {
    redaction.reserve(tool.description);
    redaction.reserve(tool.parametersJson);
  }
  reserveParts(request.system, redaction);
  for (const message of request.messages) reserveParts(message.content, redaction);
  redactParts(request.system, redaction);
  for (const message of request.messages) redactParts(message.content, redaction);
}

function reserveParts(parts: ContentPart[], redaction: PiiRedaction): void {
  for (const part of parts) {
    const p = part.part;
    if (!p) continue;
    switch (p.$case) {
      case 'text':
        redaction.reserve(p.value.text);
        break;
      case 'toolCall':
        redaction.reserve(p.value.argumentsJson);
        break;
      case 'toolResult':
        reserveParts(p.value.content, redaction);
        break;
      case 'reasoning':
        redaction.reserve(p.value.text);
        break;
      case 'image':
      case 'audio':
      case 'file':
        break;
    }
  }
}

function redactParts(parts: ContentPart[], redaction: PiiRedaction): void {
  for (const part of parts) {
    const p = part.part;
    if (!p) continue;
    switch (p.$case) {
      case 'text':
        p.value.text = redaction.apply(p.value.text);
        break;
      case 'toolCall':
        p.value.argumentsJson = redaction.apply(p.value.argumentsJson);
        break;
      case 'toolResult':
        redactParts(p.value.content, redaction);
        break;
      case 'image':
      case 'audio':
      case 'file':
      case 'reasoning':
        break;
    }
  }
}

/** The text inputs of an embeddings request (token-id inputs carry no text); nothing is restored from an embedding, so nothing is reserved. */
export function redactEmbedRequest(request: EmbedRequest, redaction: PiiRedaction): void {
  for (const input of request.inputs) if (input.text) input.text = redaction.apply(input.text);
}

/**
 * The text an images or audio request sends upstream, in its relayed fields: an image's
 * `prompt`, speech's `input`, a transcription's `prompt` (the style hint; the audio itself is
 * not scanned). Masking rewrites that text, so the image or the speech is made from the
 * placeholder (`[EMAIL_1]` is spoken as such); nothing is restored from an image or audio.
 */
export function redactMediaRequest(request: MediaRequest, redaction: PiiRedaction): void {
  const field = MEDIA_TEXT_FIELD[request.operation];
  if (!field) return;
  const fields = JSON.parse(request.fieldsJson) as Record<string, unknown>;
  const text = fields[field];
  if (typeof text !== 'string') return;
  const redacted = redaction.apply(text);
  if (redacted === text) return;
  fields[field] = redacted;
  request.fieldsJson = JSON.stringify(fields);
}

const MEDIA_TEXT_FIELD: Record<MediaOperation, string | undefined> = {
  [MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION]: 'prompt',
  [MediaOperation.MEDIA_OPERATION_SPEECH]: 'input',
  [MediaOperation.MEDIA_OPERATION_TRANSCRIPTION]: 'prompt',
  [MediaOperation.MEDIA_OPERATION_UNSPECIFIED]: undefined,
};
