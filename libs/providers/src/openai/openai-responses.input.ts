import { ContentPart, IrError, Message, Role } from '@switchyard/ir';
import { type Instruction, placedInstructions } from './openai.messages';

// IR system parts and messages → the Responses API's `instructions` and `input` items
// (platform.openai.com/docs/api-reference/responses/create: EasyInputMessage, function_call,
// function_call_output, reasoning; content parts input_text / input_image / input_file).
// - An OpenAI client's instruction messages keep their roles and places ($instructions) as
//   system / developer input items; otherwise the system parts become `instructions`.
// - An assistant turn becomes one item per run of text (a message) and one per tool call, in
//   order; its reasoning is replayed as a reasoning item only when it carries the upstream's
//   item id and encrypted content (`signature`): the API refuses a reasoning item without an id,
//   and with store=false looks up an id without encrypted content and fails
//   (microsoft/agent-framework-go#784, maximhq/bifrost#5410). Other reasoning is dropped.
// - cache_control markers and message `name`s have no Responses equivalent (OpenAI caches
//   prefixes by itself): dropped and listed.

type Json = Record<string, unknown>;

export interface ResponsesInput {
  instructions?: string;
  input: Json[];
}

export function buildResponsesInput(system: ContentPart[], messages: Message[], rawInstructions: unknown, dropped: Set<string>): ResponsesInput {
  const input: Json[] = [];
  const placed = placedInstructions(rawInstructions, system.length);
  let nextPart = 0;
  let pending = 0;
  const flush = (upTo: number, list: Instruction[]) => {
    while (pending < list.length && (list[pending]?.at ?? 0) <= upTo) {
      const ins = list[pending++] as Instruction;
      input.push({ role: ins.role, content: textOf(system.slice(nextPart, nextPart + ins.parts), 'system', dropped) });
      nextPart += ins.parts;
    }
  };
  messages.forEach((m, i) => {
    if (placed) flush(i, placed);
    input.push(...itemsOf(m, dropped));
  });
  if (placed) {
    flush(Number.MAX_SAFE_INTEGER, placed);
    return { input };
  }
  return system.length ? { instructions: textOf(system, 'system', dropped), input } : { input };
}

function itemsOf(m: Message, dropped: Set<string>): Json[] {
  // Input messages have no participant `name`.
  if (m.name) dropped.add('name');
  switch (m.role) {
    case Role.ROLE_USER:
      return [{ role: 'user', content: userContent(m.content, dropped) }];
    case Role.ROLE_ASSISTANT:
      return assistantItems(m.content, dropped);
    case Role.ROLE_TOOL:
      return m.content.flatMap((p) => {
        if (p.part?.$case !== 'toolResult') return [];
        marked(p, dropped);
        return [{ type: 'function_call_output', call_id: p.part.value.callId, output: toolOutput(p.part.value.content, dropped) }];
      });
    case Role.ROLE_UNSPECIFIED:
    case undefined:
      throw IrError.invalid('message role is missing', 'messages');
  }
}

function assistantItems(parts: ContentPart[], dropped: Set<string>): Json[] {
  const items: Json[] = [];
  let text = '';
  const flushText = () => {
    if (text) items.push({ role: 'assistant', content: text });
    text = '';
  };
  for (const p of parts) {
    marked(p, dropped);
    const part = p.part;
    if (part?.$case === 'text') {
      text += part.value.text;
      continue;
    }
    flushText();
    if (part?.$case === 'toolCall') {
      items.push({ type: 'function_call', call_id: part.value.id, name: part.value.name, arguments: part.value.argumentsJson || '{}' });
    } else if (part?.$case === 'reasoning') {
      const { itemId, signature, text: summary } = part.value;
      if (itemId && signature) items.push({ type: 'reasoning', id: itemId, summary: summary ? [{ type: 'summary_text', text: summary }] : [], encrypted_content: signature });
      else dropped.add('reasoning');
    }
  }
  flushText();
  return items;
}

function userContent(parts: ContentPart[], dropped: Set<string>): string | Json[] {
  const only = parts[0];
  if (parts.length === 1 && only?.part?.$case === 'text') {
    marked(only, dropped);
    return only.part.value.text;
  }
  return parts.map((p) => {
    marked(p, dropped);
    return inputPart(p, 'messages');
  });
}

/** A tool result: its text, or a list of input parts when it holds images or files. */
function toolOutput(parts: ContentPart[], dropped: Set<string>): string | Json[] {
  parts.forEach((p) => marked(p, dropped));
  if (parts.every((p) => p.part?.$case === 'text')) return parts.map((p) => (p.part?.$case === 'text' ? p.part.value.text : '')).join('\n');
  return parts.map((p) => inputPart(p, 'tool_result.content'));
}

function inputPart(p: ContentPart, path: string): Json {
  const part = p.part;
  switch (part?.$case) {
    case 'text':
      return { type: 'input_text', text: part.value.text };
    case 'image':
      // `detail` is required on input_image; `auto` is the API's own default.
      return { type: 'input_image', image_url: part.value.url || `data:${part.value.mediaType};base64,${part.value.data}`, detail: part.value.detail || 'auto' };
    case 'file': {
      const file: Json = { type: 'input_file' };
      if (part.value.fileId) file['file_id'] = part.value.fileId;
      else if (part.value.data) file['file_data'] = `data:${part.value.mediaType || 'application/octet-stream'};base64,${part.value.data}`;
      else if (part.value.url) file['file_url'] = part.value.url;
      if (part.value.filename) file['filename'] = part.value.filename;
      return file;
    }
    case 'audio':
      throw IrError.invalid(`${path}: audio input is not supported by this upstream (OpenAI Responses API)`, path);
    case 'toolCall':
    case 'toolResult':
    case 'reasoning':
    case undefined:
      throw IrError.invalid(`${path}: user content cannot carry ${part?.$case ?? 'empty'} parts`, path);
  }
}

function textOf(parts: ContentPart[], path: string, dropped: Set<string>): string {
  return parts
    .map((p) => {
      marked(p, dropped);
      if (p.part?.$case !== 'text') throw IrError.invalid(`${path}: only text is supported here by this provider`, path);
      return p.part.value.text;
    })
    .join('\n');
}

function marked(p: ContentPart, dropped: Set<string>): void {
  if (p.cacheControlJson) dropped.add('cache_control');
}
