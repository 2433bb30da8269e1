import { ContentPart, IrError, Message, Role } from '@switchyard/ir';
import type { OpenAiVendorProfile } from './openai.vendors';

// IR system parts and messages → OpenAI `messages` for one vendor profile.

type Json = Record<string, unknown>;

/** Extension key the OpenAI dialect writes for instruction roles and positions (its INSTRUCTIONS_KEY). */
export const INSTRUCTIONS_KEY = '$instructions';

export interface Instruction {
  role: 'system' | 'developer';
  at: number;
  parts: number;
}

export interface MessageContext {
  profile: OpenAiVendorProfile;
  dropped: Set<string>;
  /** The client's instruction messages, when an OpenAI-dialect client sent more than leading system messages. */
  instructions: unknown;
}

export function buildOpenAiMessages(system: ContentPart[], messages: Message[], ctx: MessageContext): Json[] {
  const out: Json[] = [];
  const placed = ctx.profile.keepInstructions ? placedInstructions(ctx.instructions, system.length) : undefined;
  const replay = ctx.profile.replayReasoning === 'never' ? new Set<number>() : toolTurnAssistants(messages);
  if (!placed && system.length) out.push({ role: 'system', content: textContent(system, 'system', ctx) });
  let nextPart = 0;
  let pending = 0;
  const flush = (upTo: number) => {
    while (placed && pending < placed.length && (placed[pending]?.at ?? 0) <= upTo) {
      const ins = placed[pending++] as Instruction;
      out.push({ role: ins.role, content: textContent(system.slice(nextPart, nextPart + ins.parts), 'system', ctx) });
      nextPart += ins.parts;
    }
  };
  messages.forEach((m, i) => {
    flush(i);
    out.push(...messageOf(m, replay.has(i), ctx));
  });
  flush(Number.MAX_SAFE_INTEGER);
  return out;
}

/** The $instructions list when it accounts for exactly the system parts; otherwise undefined. */
export function placedInstructions(raw: unknown, systemParts: number): Instruction[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const list = raw as Instruction[];
  const valid = list.every((x) => (x.role === 'system' || x.role === 'developer') && Number.isInteger(x.at) && Number.isInteger(x.parts));
  return valid && list.reduce((n, x) => n + x.parts, 0) === systemParts ? list : undefined;
}

// DeepSeek thinking mode wants reasoning_content back on every assistant message of a user
// turn in which the model called tools, and on none of the others.
function toolTurnAssistants(messages: Message[]): Set<number> {
  const out = new Set<number>();
  let turn: number[] = [];
  let calledTools = false;
  const close = () => {
    if (calledTools) turn.forEach((i) => out.add(i));
    turn = [];
    calledTools = false;
  };
  messages.forEach((m, i) => {
    if (m.role === Role.ROLE_USER) close();
    if (m.role !== Role.ROLE_ASSISTANT) return;
    turn.push(i);
    if ((m.content).some((p) => p.part?.$case === 'toolCall')) calledTools = true;
  });
  close();
  return out;
}

function messageOf(m: Message, replayReasoning: boolean, ctx: MessageContext): Json[] {
  const parts = m.content;
  switch (m.role) {
    case Role.ROLE_USER:
      return [withName({ role: 'user', content: userContent(parts, ctx) }, m.name)];
    case Role.ROLE_ASSISTANT:
      return [withName(assistantOf(parts, replayReasoning, ctx), m.name)];
    case Role.ROLE_TOOL:
      return parts.flatMap((p) => {
        if (p.part?.$case !== 'toolResult') return [];
        markCache(p, ctx);
        return [{ role: 'tool', tool_call_id: p.part.value.callId, content: textContent(p.part.value.content, 'tool_result.content', ctx) }];
      });
    case Role.ROLE_UNSPECIFIED:
    case undefined:
      throw IrError.invalid('message role is missing', 'messages');
  }
}

function assistantOf(parts: ContentPart[], replayReasoning: boolean, ctx: MessageContext): Json {
  const calls: Json[] = [];
  let text = '';
  let reasoning = '';
  let hadReasoning = false;
  for (const p of parts) {
    markCache(p, ctx);
    const part = p.part;
    if (part?.$case === 'toolCall') calls.push({ id: part.value.id, type: 'function', function: { name: part.value.name, arguments: part.value.argumentsJson || '{}' } });
    else if (part?.$case === 'text') text += part.value.text;
    else if (part?.$case === 'reasoning') {
      hadReasoning = true;
      reasoning += part.value.text;
    }
  }
  const out: Json = { role: 'assistant', content: text || (calls.length ? null : '') };
  if (replayReasoning && (reasoning || ctx.profile.replayReasoning === 'tool-turns-always')) out['reasoning_content'] = reasoning;
  else if (hadReasoning) ctx.dropped.add('reasoning_content');
  if (calls.length) out['tool_calls'] = calls;
  return out;
}

function withName(message: Json, name: string | undefined): Json {
  if (name) message['name'] = name;
  return message;
}

/** Keeps a cache marker for vendors that read it; lists it as dropped for the others. */
function markCache(p: ContentPart, ctx: MessageContext): Json | undefined {
  if (!p.cacheControlJson) return undefined;
  if (ctx.profile.cacheControl) return JSON.parse(p.cacheControlJson) as Json;
  ctx.dropped.add('cache_control');
  return undefined;
}

/** Text-only content (system, tool results): a string, or text parts when cache markers stay. */
function textContent(parts: ContentPart[], path: string, ctx: MessageContext): string | Json[] {
  const texts = parts.map((p) => {
    if (p.part?.$case !== 'text') throw IrError.invalid(`${path}: only text is supported here by this provider`, path);
    return { text: p.part.value.text, cache: markCache(p, ctx) };
  });
  if (!texts.some((t) => t.cache)) return texts.map((t) => t.text).join('\n');
  return texts.map((t) => (t.cache ? { type: 'text', text: t.text, cache_control: t.cache } : { type: 'text', text: t.text }));
}

function userContent(parts: ContentPart[], ctx: MessageContext): string | Json[] {
  const only = parts[0];
  if (parts.length === 1 && only?.part?.$case === 'text' && !(only.cacheControlJson && ctx.profile.cacheControl)) {
    markCache(only, ctx);
    return only.part.value.text;
  }
  return parts.map((p): Json => {
    const cache = markCache(p, ctx);
    const wire = userPart(p);
    if (cache) wire['cache_control'] = cache;
    return wire;
  });
}

function userPart(p: ContentPart): Json {
  const part = p.part;
  switch (part?.$case) {
    case 'text':
      return { type: 'text', text: part.value.text };
    case 'image': {
      const url = part.value.url || `data:${part.value.mediaType};base64,${part.value.data}`;
      return { type: 'image_url', image_url: part.value.detail ? { url, detail: part.value.detail } : { url } };
    }
    case 'audio':
      return { type: 'input_audio', input_audio: { data: part.value.data, format: part.value.format } };
    case 'file': {
      if (part.value.url && !part.value.data && !part.value.fileId) throw IrError.invalid('messages: files by URL are not supported by this provider; send the data or a file id', 'messages');
      const file: Json = {};
      if (part.value.fileId) file['file_id'] = part.value.fileId;
      if (part.value.data) file['file_data'] = `data:${part.value.mediaType || 'application/octet-stream'};base64,${part.value.data}`;
      if (part.value.filename) file['filename'] = part.value.filename;
      return { type: 'file', file };
    }
    case 'toolCall':
    case 'toolResult':
    case 'reasoning':
    case undefined:
      throw IrError.invalid(`user messages cannot carry ${part?.$case ?? 'empty'} parts`, 'messages');
  }
}
