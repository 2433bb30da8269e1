import { type ChatRequest, type ContentPart, FinishReason, type FoldedChoice, type FoldedResponse, type Message, Role } from '@switchyard/ir';
import { type Attributes, GEN_AI, GEN_AI_EVENT, GEN_AI_OPERATION, SWITCHYARD, type Span } from '@switchyard/telemetry';

// Content capture, for tenants that opted in (`tenants[].observability.captureContent`,
// docs/architecture.md §9, Traces). The shapes are the OpenTelemetry GenAI conventions' message
// JSON (gen-ai-input-messages.json, gen-ai-output-messages.json, gen-ai-system-instructions.json
// of the semantic conventions): `{ role, parts: [{ type: 'text', content }, …], finish_reason }`.
// Only what the client sent in the body and what the model answered: never a header, a key or
// anything of the request around the messages. Runs only when the tenant opted in and tracing is
// on; otherwise nothing here is called and no string is built.

/** Characters of text captured per side: input (system instructions and messages) and output. */
export const CONTENT_CAPTURE_MAX_CHARS = 16_384;
/** Ends a text cut at the cap; the event then carries `switchyard.content.truncated: true`. */
export const TRUNCATED_MARKER = '…[truncated]';
// What each message's or part's JSON frame counts against the cap, so a prompt of many empty
// messages stays bounded too.
const FRAME_COST = 16;

export type CapturedPart = { type: string } & Record<string, unknown>;
export interface CapturedMessage {
  role: string;
  parts: CapturedPart[];
  name?: string;
  finish_reason?: string;
}

/** The characters one side may still capture. */
class CaptureBudget {
  truncated = false;
  constructor(private left: number) {}

  get spent(): boolean {
    return this.left <= 0;
  }

  /** Counts one message's or part's JSON frame. */
  frame(): void {
    this.left -= FRAME_COST;
  }

  /** `text` whole, or its head and the marker once the cap is reached. */
  take(text: string): string {
    this.frame();
    if (text.length <= this.left) {
      this.left -= text.length;
      return text;
    }
    this.truncated = true;
    let head = text.slice(0, Math.max(0, this.left));
    // Never half a surrogate pair.
    if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
    this.left = 0;
    return head + TRUNCATED_MARKER;
  }
}

/** The conventions' event for one chat request: its input, system instructions and output. */
export function contentEventAttributes(chat: ChatRequest, folded: FoldedResponse): Attributes {
  const input = new CaptureBudget(CONTENT_CAPTURE_MAX_CHARS);
  const system = chat.system.length ? partsOf(chat.system, input) : undefined;
  const messages = messagesOf(chat.messages, input);
  const output = new CaptureBudget(CONTENT_CAPTURE_MAX_CHARS);
  const answers = outputMessagesOf(folded, output);
  // Span events take only primitive attribute values in OpenTelemetry JS, so the structured
  // values are their JSON text, as the conventions allow where structure is not supported.
  const attributes: Attributes = {
    [GEN_AI.operationName]: GEN_AI_OPERATION.chat,
    [GEN_AI.requestModel]: chat.model,
    [GEN_AI.inputMessages]: JSON.stringify(messages),
    [GEN_AI.outputMessages]: JSON.stringify(answers),
  };
  if (system) attributes[GEN_AI.systemInstructions] = JSON.stringify(system);
  if (folded.start.upstreamModel) attributes[GEN_AI.responseModel] = folded.start.upstreamModel;
  if (input.truncated || output.truncated) attributes[SWITCHYARD.contentTruncated] = true;
  return attributes;
}

/** Adds the content event to `span` (the request's server span). */
export function recordContent(span: Span, chat: ChatRequest, folded: FoldedResponse): void {
  span.addEvent(GEN_AI_EVENT.inferenceDetails, contentEventAttributes(chat, folded));
}

function messagesOf(messages: readonly Message[], budget: CaptureBudget): CapturedMessage[] {
  const out: CapturedMessage[] = [];
  for (const m of messages) {
    if (budget.spent) {
      budget.truncated = true;
      break;
    }
    budget.frame();
    const message: CapturedMessage = { role: roleOf(m.role), parts: partsOf(m.content, budget) };
    if (m.name) message.name = m.name;
    out.push(message);
  }
  return out;
}

function partsOf(parts: readonly ContentPart[], budget: CaptureBudget): CapturedPart[] {
  const out: CapturedPart[] = [];
  for (const p of parts) {
    if (budget.spent) {
      budget.truncated = true;
      break;
    }
    const part = partOf(p, budget);
    if (part) out.push(part);
  }
  return out;
}

function partOf(p: ContentPart, budget: CaptureBudget): CapturedPart | undefined {
  const part = p.part;
  if (!part) return undefined;
  switch (part.$case) {
    case 'text':
      return { type: 'text', content: budget.take(part.value.text) };
    case 'reasoning':
      // Redacted (encrypted) thinking is not text anyone can read: left out.
      return part.value.text ? { type: 'reasoning', content: budget.take(part.value.text) } : undefined;
    case 'toolCall':
      return { type: 'tool_call', id: part.value.id || null, name: part.value.name, arguments: argumentsOf(part.value.argumentsJson, budget) };
    case 'toolResult':
      return { type: 'tool_call_response', id: part.value.callId || null, response: budget.take(textOf(part.value.content)) };
    // Media: where it is (a URL, a file id) and its type, never its bytes — the cap is for text.
    case 'image':
      return mediaPart('image', part.value.url, part.value.mediaType, '', budget);
    case 'audio':
      return { type: 'blob', modality: 'audio', mime_type: part.value.format ? `audio/${part.value.format}` : null, content: '' };
    case 'file':
      return mediaPart('document', part.value.url, part.value.mediaType, part.value.fileId, budget);
  }
}

function mediaPart(modality: string, url: string, mimeType: string, fileId: string, budget: CaptureBudget): CapturedPart {
  if (fileId) return { type: 'file', modality, mime_type: mimeType || null, file_id: budget.take(fileId) };
  if (url && !url.startsWith('data:')) return { type: 'uri', modality, mime_type: mimeType || null, uri: budget.take(url) };
  return { type: 'blob', modality, mime_type: mimeType || null, content: '' };
}

/** A tool call's arguments as the object they are, or as text when cut or not JSON. */
function argumentsOf(json: string, budget: CaptureBudget): unknown {
  const text = budget.take(json);
  if (text !== json || !json) return text;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

function textOf(parts: readonly ContentPart[]): string {
  let text = '';
  for (const p of parts) if (p.part?.$case === 'text') text += p.part.value.text;
  return text;
}

function outputMessagesOf(folded: FoldedResponse, budget: CaptureBudget): CapturedMessage[] {
  const out: CapturedMessage[] = [];
  for (const c of folded.choices) {
    // Choices are indexed by the provider's own numbers: a gap is a choice that never came.
    if (!c) continue;
    out.push({ role: 'assistant', parts: choiceParts(c, budget), finish_reason: finishReasonOf(c.finishReason, folded.error !== undefined) });
  }
  return out;
}

function choiceParts(c: FoldedChoice, budget: CaptureBudget): CapturedPart[] {
  const parts: CapturedPart[] = [];
  if (c.reasoning) parts.push({ type: 'reasoning', content: budget.take(c.reasoning) });
  if (c.text) parts.push({ type: 'text', content: budget.take(c.text) });
  for (const call of c.toolCalls) {
    if (call) parts.push({ type: 'tool_call', id: call.id || null, name: call.name, arguments: argumentsOf(call.arguments, budget) });
  }
  return parts;
}

function roleOf(role: Role): string {
  switch (role) {
    case Role.ROLE_ASSISTANT:
      return 'assistant';
    case Role.ROLE_TOOL:
      return 'tool';
    case Role.ROLE_USER:
    case Role.ROLE_UNSPECIFIED:
      return 'user';
  }
}

// The output schema's FinishReason values (note `tool_call`, singular, unlike the span attribute's
// OpenAI-style `tool_calls`). No stop event: the answer ended early (an error, a client that left).
function finishReasonOf(reason: FinishReason, failed: boolean): string {
  switch (reason) {
    case FinishReason.FINISH_REASON_STOP:
      return 'stop';
    case FinishReason.FINISH_REASON_LENGTH:
      return 'length';
    case FinishReason.FINISH_REASON_TOOL_CALLS:
      return 'tool_call';
    case FinishReason.FINISH_REASON_CONTENT_FILTER:
      return 'content_filter';
    case FinishReason.FINISH_REASON_ERROR:
      return 'error';
    case FinishReason.FINISH_REASON_UNSPECIFIED:
      return failed ? 'error' : 'stop';
  }
}
