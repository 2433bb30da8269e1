import { ContentPart, IrError, Message, Role } from '@switchyard/ir';
import type { AnthropicJson } from './anthropic.types';

// IR system parts and messages → Anthropic `system` and `messages`
// (docs.anthropic.com/en/api/messages; SDK MessageParam / ContentBlockParam).
//
// - TOOL messages become user turns of tool_result blocks, and consecutive same-role turns are
//   merged: Anthropic wants user/assistant alternation, and OpenAI sends one message per tool
//   result. Within a merged user turn the tool_result blocks go first, as Anthropic requires
//   ("tool_result blocks must be at the start of the user turn").
// - Empty text parts and turns left without content are skipped: Anthropic rejects empty text
//   blocks and empty messages, and they carry nothing.
// - A conversation that starts with an assistant turn is sent as it is; no user turn is invented.
//   Upstream answers (or rejects) it on its own terms.
// - Gemini thought signatures on text/tool-call parts mean nothing to Anthropic and are not sent.

type Json = AnthropicJson;
type Wire = 'user' | 'assistant';

export interface TranslateContext {
  /** Harmlessly dropped fields, reported to the client. */
  readonly dropped: Set<string>;
  /** The request came from an Anthropic client: its Files API ids are Anthropic's own. */
  readonly native: boolean;
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
// tool_use ids must match ^[a-zA-Z0-9_-]+$ (Anthropic rejects others); the same mapping is
// applied to tool_result ids so the pair still matches.
const TOOL_ID_INVALID = /[^a-zA-Z0-9_-]/g;

export function systemBlocks(parts: ContentPart[], ctx: TranslateContext): Json[] {
  const out: Json[] = [];
  parts.forEach((p, i) => {
    const path = `system[${i}]`;
    if (p.part?.$case !== 'text') throw IrError.invalid(`${path}: Anthropic system prompts take text only, not ${p.part?.$case ?? 'empty'} parts`, path);
    if (p.part.value.text) out.push(withCache({ type: 'text', text: p.part.value.text }, p, path, ctx));
  });
  return out;
}

export function messageTurns(messages: Message[], ctx: TranslateContext): Json[] {
  const turns: { role: Wire; content: Json[] }[] = [];
  messages.forEach((m, i) => {
    const path = `messages[${i}]`;
    const role = wireRole(m.role, path);
    if (m.name) ctx.dropped.add('messages[].name');
    const blocks = (m.content).flatMap((p, j) => block(p, role, `${path}.content[${j}]`, ctx));
    if (blocks.length === 0) return;
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  });
  return turns.map((t) => ({ role: t.role, content: t.role === 'user' ? toolResultsFirst(t.content) : t.content }));
}

export function toolUseId(id: string | undefined, path: string): string {
  if (!id) throw IrError.invalid(`${path}: a tool call id is required`, path);
  return id.replace(TOOL_ID_INVALID, '_');
}

/** Parses a cache_control_json marker; it must be a JSON object such as {"type":"ephemeral"}. */
export function cacheControl(json: string, path: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw IrError.invalid(`${path}.cache_control: invalid JSON`, `${path}.cache_control`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw IrError.invalid(`${path}.cache_control: expected an object`, `${path}.cache_control`);
  return parsed as Json;
}

function wireRole(role: Role | undefined, path: string): Wire {
  switch (role) {
    case Role.ROLE_USER:
    case Role.ROLE_TOOL:
      return 'user';
    case Role.ROLE_ASSISTANT:
      return 'assistant';
    case Role.ROLE_UNSPECIFIED:
    case undefined:
      throw IrError.invalid(`${path}.role: message role is missing`, `${path}.role`);
  }
}

function toolResultsFirst(blocks: Json[]): Json[] {
  if (!blocks.some((b) => b['type'] === 'tool_result')) return blocks;
  return [...blocks.filter((b) => b['type'] === 'tool_result'), ...blocks.filter((b) => b['type'] !== 'tool_result')];
}

function withCache(out: Json, p: ContentPart, path: string, ctx: TranslateContext): Json {
  if (!p.cacheControlJson) return out;
  // Anthropic has no cache_control on thinking blocks (ThinkingBlockParam).
  if (out['type'] === 'thinking' || out['type'] === 'redacted_thinking') ctx.dropped.add('cache_control');
  else out['cache_control'] = cacheControl(p.cacheControlJson, path);
  return out;
}

function block(p: ContentPart, role: Wire, path: string, ctx: TranslateContext): Json[] {
  const part = p.part;
  const misplaced = (): IrError => IrError.invalid(`${path}: ${role} messages cannot carry ${part?.$case ?? 'empty'} parts`, path);
  switch (part?.$case) {
    case 'text':
      return part.value.text ? [withCache({ type: 'text', text: part.value.text }, p, path, ctx)] : [];
    case 'image':
      if (role !== 'user') throw misplaced();
      return [withCache(imageBlock(part.value, path, ctx), p, path, ctx)];
    case 'file':
      if (role !== 'user') throw misplaced();
      return [withCache(documentBlock(part.value, path, ctx), p, path, ctx)];
    case 'audio':
      throw IrError.invalid(`${path}: Anthropic does not accept audio input`, path);
    case 'toolCall': {
      if (role !== 'assistant') throw misplaced();
      const v = part.value;
      return [withCache({ type: 'tool_use', id: toolUseId(v.id, `${path}.id`), name: v.name, input: toolInput(v.argumentsJson, `${path}.arguments`) }, p, path, ctx)];
    }
    case 'toolResult': {
      if (role !== 'user') throw misplaced();
      const v = part.value;
      const out: Json = { type: 'tool_result', tool_use_id: toolUseId(v.callId, `${path}.call_id`) };
      const content = (v.content).flatMap((c, k) => resultBlock(c, `${path}.content[${k}]`, ctx));
      if (content.length) out['content'] = content;
      if (v.isError) out['is_error'] = true;
      return [withCache(out, p, path, ctx)];
    }
    case 'reasoning': {
      if (role !== 'assistant') throw misplaced();
      const v = part.value;
      if (v.redactedData) return [withCache({ type: 'redacted_thinking', data: v.redactedData }, p, path, ctx)];
      if (v.signature) return [withCache({ type: 'thinking', thinking: v.text, signature: v.signature }, p, path, ctx)];
      // Anthropic verifies the signature of every thinking block it is given back; reasoning
      // from another provider has none and would be rejected, so it is left out.
      ctx.dropped.add('messages[].reasoning');
      return [];
    }
    case undefined:
      throw IrError.invalid(`${path}: empty content part`, path);
  }
}

function resultBlock(p: ContentPart, path: string, ctx: TranslateContext): Json[] {
  const part = p.part;
  switch (part?.$case) {
    case 'text':
      return part.value.text ? [withCache({ type: 'text', text: part.value.text }, p, path, ctx)] : [];
    case 'image':
      return [withCache(imageBlock(part.value, path, ctx), p, path, ctx)];
    case 'file':
      return [withCache(documentBlock(part.value, path, ctx), p, path, ctx)];
    case 'audio':
    case 'toolCall':
    case 'toolResult':
    case 'reasoning':
    case undefined:
      throw IrError.invalid(`${path}: Anthropic tool results take text, images and documents, not ${part?.$case ?? 'empty'} parts`, path);
  }
}

function toolInput(argumentsJson: string | undefined, path: string): Json {
  let input: unknown;
  try {
    input = JSON.parse(argumentsJson || '{}');
  } catch {
    throw IrError.invalid(`${path}: tool call arguments are not valid JSON`, path);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw IrError.invalid(`${path}: tool call arguments must be a JSON object`, path);
  return input as Json;
}

function imageBlock(v: { url?: string; data?: string; mediaType?: string; detail?: string }, path: string, ctx: TranslateContext): Json {
  // Anthropic chooses the resolution itself; OpenAI's detail has no counterpart.
  if (v.detail) ctx.dropped.add('image.detail');
  if (v.url) {
    const inline = parseDataUrl(v.url);
    if (inline) return { type: 'image', source: base64Image(inline.mediaType, inline.data, path) };
    if (/^https?:\/\//i.test(v.url)) return { type: 'image', source: { type: 'url', url: v.url } };
    throw IrError.invalid(`${path}: image URLs must be http(s) or data: URLs`, path);
  }
  return { type: 'image', source: base64Image(v.mediaType ?? '', v.data ?? '', path) };
}

function base64Image(mediaType: string, data: string, path: string): Json {
  if (!IMAGE_TYPES.has(mediaType)) throw IrError.invalid(`${path}: Anthropic accepts jpeg, png, gif and webp images, not "${mediaType}"`, path);
  return { type: 'base64', media_type: mediaType, data };
}

// PDFs (base64 or URL) and plain text become document blocks. A file id is sent as a Files API
// source (which needs the files-api beta header in target.options.anthropicBeta) only when an
// Anthropic client gave it; other clients' ids (OpenAI's) mean nothing upstream.
function documentBlock(v: { data?: string; url?: string; mediaType?: string; filename?: string; fileId?: string }, path: string, ctx: TranslateContext): Json {
  if (v.fileId && !v.data && !v.url) {
    if (!ctx.native) throw IrError.invalid(`${path}: file ids cannot be sent to Anthropic; send the file's data`, path);
    return withTitle({ type: 'document', source: { type: 'file', file_id: v.fileId } }, v.filename);
  }
  const inline = v.url ? parseDataUrl(v.url) : undefined;
  const mediaType = inline?.mediaType ?? v.mediaType ?? '';
  const data = inline?.data ?? v.data ?? '';
  let source: Json;
  if (mediaType === 'application/pdf') {
    source = data ? { type: 'base64', media_type: mediaType, data } : { type: 'url', url: v.url ?? '' };
    if (!data && !/^https?:\/\//i.test(v.url ?? '')) throw IrError.invalid(`${path}: a PDF needs its data or an http(s) URL`, path);
  } else if (mediaType === 'text/plain' && data) {
    source = { type: 'text', media_type: mediaType, data: Buffer.from(data, 'base64').toString('utf8') };
  } else {
    throw IrError.invalid(`${path}: Anthropic accepts PDF and inline text/plain documents, not "${mediaType || 'unknown'}" files`, path);
  }
  return withTitle({ type: 'document', source }, v.filename);
}

function withTitle(out: Json, filename: string | undefined): Json {
  if (filename) out['title'] = filename;
  return out;
}

function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  const meta = url.slice(5, comma);
  if (comma < 0 || !meta.endsWith(';base64')) return undefined;
  return { mediaType: meta.slice(0, -7), data: url.slice(comma + 1) };
}
