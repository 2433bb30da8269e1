import { ContentPart, IrError, Message, Role } from '@switchyard/ir';
import { JsonObject, expectArray, expectObject, expectString, isObject, optBoolean, optString, ownEntry } from '../json-guards';
import { splitToolCallId } from '../tool-call-id';

// Anthropic content blocks (MessageParam.content, system, tool_result.content) → IR content
// parts. Shapes: @anthropic-ai/sdk resources/messages/messages.d.ts (ContentBlockParam and the
// *BlockParam types). Like the API itself, a key a block does not declare is rejected; a key it
// declares but the IR cannot carry is dropped and listed when that is harmless (citations, a
// document's context), and rejected when it is not (server-tool blocks).

/** What parsing collects across the whole body. */
export interface ParseScope {
  /** Declared fields the IR cannot carry, dropped (ChatRequest.droppedParams). */
  dropped: string[];
  /**
   * The same names as a set, for the duplicate check: `dropped.includes` made a body of 80,000
   * text blocks with citations (3.4 MB, under the body limit) cost 137 s of the event loop.
   */
  droppedSeen: Set<string>;
  /** tool_use id → tool name, so tool results can name their function (Gemini needs it). */
  toolNames: Map<string, string>;
}

const BLOCK_KEYS: Record<string, readonly string[]> = {
  text: ['type', 'text', 'cache_control', 'citations'],
  image: ['type', 'source', 'cache_control', 'transformations'],
  document: ['type', 'source', 'cache_control', 'citations', 'context', 'title'],
  thinking: ['type', 'thinking', 'signature'],
  redacted_thinking: ['type', 'data'],
  tool_use: ['type', 'id', 'name', 'input', 'cache_control', 'caller', 'toolset_name'],
  tool_result: ['type', 'tool_use_id', 'content', 'is_error', 'cache_control', 'toolset_name'],
};

// Declared by the API but only meaningful to Anthropic's own server tools and search results:
// nothing the IR or another provider could act on, and dropping them would change the answer.
const UNSUPPORTED_BLOCKS = new Set([
  'search_result', 'server_tool_use', 'web_search_tool_result', 'web_fetch_tool_result', 'code_execution_tool_result',
  'bash_code_execution_tool_result', 'text_editor_code_execution_tool_result', 'tool_search_tool_result', 'container_upload',
  'tool_reference', 'browser_state',
]);

/** Where a block may appear: Anthropic accepts each kind in one role only. */
type Place = 'user' | 'assistant' | 'system' | 'tool_result';

const ALLOWED_IN: Record<string, readonly Place[]> = {
  text: ['user', 'assistant', 'system', 'tool_result'],
  image: ['user', 'tool_result'],
  document: ['user', 'tool_result'],
  thinking: ['assistant'],
  redacted_thinking: ['assistant'],
  tool_use: ['assistant'],
  tool_result: ['user'],
};

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** A message's content, in order; a user turn's tool results become their own TOOL messages. */
export function parseMessageContent(raw: unknown, path: string, role: 'user' | 'assistant', scope: ParseScope, out: Message[]): void {
  const irRole = role === 'user' ? Role.ROLE_USER : Role.ROLE_ASSISTANT;
  if (typeof raw === 'string') {
    out.push({ role: irRole, content: [text(raw)], name: '' });
    return;
  }
  const blocks = expectArray(raw, path);
  // Anthropic puts tool results inside the user turn; the IR gives each its own TOOL message.
  // Blocks around them keep their order: text before results, results, then text after.
  let pending: ContentPart[] = [];
  const flush = () => {
    if (pending.length) out.push({ role: irRole, content: pending, name: '' });
    pending = [];
  };
  blocks.forEach((b, i) => {
    const at = `${path}[${i}]`;
    const block = expectObject(b, at);
    if (block['type'] === 'tool_result') {
      flush();
      out.push({ role: Role.ROLE_TOOL, content: [parseToolResult(block, at, scope)], name: '' });
      return;
    }
    pending.push(...parseBlock(block, at, role, scope));
  });
  flush();
  // An empty content array is still a turn; keep it so the provider sees what the client sent.
  if (blocks.length === 0) out.push({ role: irRole, content: [], name: '' });
}

/** `system`: a string or text blocks. */
export function parseSystem(raw: unknown, scope: ParseScope, path = 'system'): ContentPart[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string') return raw ? [text(raw)] : [];
  return expectArray(raw, path).flatMap((b, i) => parseBlock(expectObject(b, `${path}[${i}]`), `${path}[${i}]`, 'system', scope));
}

/** The JSON of a cache_control marker, validated ({"type":"ephemeral","ttl":"5m"|"1h"}). */
export function cacheControlJson(raw: unknown, path: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const c = expectObject(raw, path);
  checkKeys(c, ['type', 'ttl'], path);
  if (c['type'] !== 'ephemeral') throw IrError.invalid(`${path}.type: expected "ephemeral"`, `${path}.type`);
  const ttl = optString(c['ttl'], `${path}.ttl`);
  if (ttl !== undefined && ttl !== '5m' && ttl !== '1h') throw IrError.invalid(`${path}.ttl: expected "5m" or "1h"`, `${path}.ttl`);
  return JSON.stringify(c);
}

/** Anthropic's own wording for an undeclared key ("Extra inputs are not permitted"). */
export function checkKeys(o: JsonObject, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) {
      const at = path === 'body' ? key : `${path}.${key}`;
      throw IrError.invalid(`${at}: Extra inputs are not permitted`, at);
    }
  }
}

function parseBlock(block: JsonObject, path: string, place: Place, scope: ParseScope): ContentPart[] {
  const type = expectString(block['type'], `${path}.type`);
  if (UNSUPPORTED_BLOCKS.has(type)) {
    throw IrError.invalid(`${path}.type: "${type}" blocks belong to Anthropic server tools and are not supported by this gateway`, `${path}.type`);
  }
  const keys = ownEntry(BLOCK_KEYS, type);
  if (!keys) throw IrError.invalid(`${path}.type: unknown content block type "${type}"`, `${path}.type`);
  if (!ownEntry(ALLOWED_IN, type)?.includes(place)) {
    throw IrError.invalid(`${path}.type: "${type}" blocks are not allowed in ${place === 'tool_result' ? 'tool_result content' : `${place} content`}`, `${path}.type`);
  }
  checkKeys(block, keys, path);
  const cacheControl = cacheControlJson(block['cache_control'], `${path}.cache_control`);
  const parts = blockParts(block, type, path, scope);
  if (cacheControl) {
    // The marker ends the cached prefix, so it goes on the last part the block became.
    const last = parts[parts.length - 1];
    if (last) last.cacheControlJson = cacheControl;
  }
  return parts;
}

function blockParts(block: JsonObject, type: string, path: string, scope: ParseScope): ContentPart[] {
  switch (type) {
    case 'text':
      dropIfSet(block, ['citations'], path, scope);
      return [text(expectString(block['text'], `${path}.text`))];
    case 'image':
      dropIfSet(block, ['transformations'], path, scope);
      return [parseImage(block, path)];
    case 'document':
      return parseDocument(block, path, scope);
    case 'thinking':
      return [{ part: { $case: 'reasoning', value: { text: expectString(block['thinking'], `${path}.thinking`), signature: expectString(block['signature'], `${path}.signature`), redactedData: '' } }, cacheControlJson: '' }];
    case 'redacted_thinking':
      return [{ part: { $case: 'reasoning', value: { redactedData: expectString(block['data'], `${path}.data`), text: '', signature: '' } }, cacheControlJson: '' }];
    case 'tool_use': {
      dropIfSet(block, ['caller', 'toolset_name'], path, scope);
      const { id, signature } = splitToolCallId(expectString(block['id'], `${path}.id`));
      const name = expectString(block['name'], `${path}.name`);
      if (!isObject(block['input'])) throw IrError.invalid(`${path}.input: expected an object`, `${path}.input`);
      scope.toolNames.set(id, name);
      const value = { id, name, argumentsJson: JSON.stringify(block['input']), signature: signature ?? '' };
      return [{ part: { $case: 'toolCall', value }, cacheControlJson: '' }];
    }
    default:
      throw IrError.invalid(`${path}.type: unknown content block type "${type}"`, `${path}.type`);
  }
}

function parseToolResult(block: JsonObject, path: string, scope: ParseScope): ContentPart {
  checkKeys(block, BLOCK_KEYS['tool_result'] ?? [], path);
  dropIfSet(block, ['toolset_name'], path, scope);
  const callId = splitToolCallId(expectString(block['tool_use_id'], `${path}.tool_use_id`)).id;
  const raw = block['content'];
  let content: ContentPart[] = [];
  if (typeof raw === 'string') content = [text(raw)];
  else if (raw !== undefined && raw !== null) {
    content = expectArray(raw, `${path}.content`).flatMap((b, i) => parseBlock(expectObject(b, `${path}.content[${i}]`), `${path}.content[${i}]`, 'tool_result', scope));
  }
  const part: ContentPart = {
    part: { $case: 'toolResult', value: { callId, name: scope.toolNames.get(callId) ?? '', content, isError: optBoolean(block['is_error'], `${path}.is_error`) ?? false } },
    cacheControlJson: '',
  };
  const cacheControl = cacheControlJson(block['cache_control'], `${path}.cache_control`);
  if (cacheControl) part.cacheControlJson = cacheControl;
  return part;
}

function parseImage(block: JsonObject, path: string): ContentPart {
  const at = `${path}.source`;
  const source = expectObject(block['source'], at);
  const type = expectString(source['type'], `${at}.type`);
  switch (type) {
    case 'base64': {
      checkKeys(source, ['type', 'media_type', 'data'], at);
      const mediaType = expectString(source['media_type'], `${at}.media_type`);
      if (!IMAGE_TYPES.has(mediaType)) throw IrError.invalid(`${at}.media_type: expected one of ${[...IMAGE_TYPES].join(', ')}`, `${at}.media_type`);
      return { part: { $case: 'image', value: { data: expectString(source['data'], `${at}.data`), mediaType, url: '', detail: '' } }, cacheControlJson: '' };
    }
    case 'url':
      checkKeys(source, ['type', 'url'], at);
      return { part: { $case: 'image', value: { url: expectString(source['url'], `${at}.url`), data: '', mediaType: '', detail: '' } }, cacheControlJson: '' };
    case 'file':
      // Anthropic Files API ids name files only Anthropic holds, and ImagePart has no file id.
      throw IrError.invalid(`${at}.type: image "file" sources are not supported by this gateway; send base64 or url`, `${at}.type`);
    default:
      throw IrError.invalid(`${at}.type: unknown image source type "${type}"`, `${at}.type`);
  }
}

// PDFs (base64, url, Files API id) become file parts; plain-text and content documents become
// their text (and images) inline, which every provider reads. A document's title names a file
// part; on inline documents it and `context` have no place and are dropped (listed).
function parseDocument(block: JsonObject, path: string, scope: ParseScope): ContentPart[] {
  dropIfSet(block, ['citations'], path, scope);
  const at = `${path}.source`;
  const source = expectObject(block['source'], at);
  const type = expectString(source['type'], `${at}.type`);
  const title = optString(block['title'], `${path}.title`) ?? '';
  if (type === 'text' || type === 'content') dropIfSet(block, ['title', 'context'], path, scope);
  else dropIfSet(block, ['context'], path, scope);
  switch (type) {
    case 'base64': {
      checkKeys(source, ['type', 'media_type', 'data'], at);
      if (source['media_type'] !== 'application/pdf') throw IrError.invalid(`${at}.media_type: expected "application/pdf"`, `${at}.media_type`);
      return [{ part: { $case: 'file', value: { data: expectString(source['data'], `${at}.data`), mediaType: 'application/pdf', filename: title, url: '', fileId: '' } }, cacheControlJson: '' }];
    }
    case 'url':
      checkKeys(source, ['type', 'url'], at);
      return [{ part: { $case: 'file', value: { url: expectString(source['url'], `${at}.url`), mediaType: 'application/pdf', filename: title, data: '', fileId: '' } }, cacheControlJson: '' }];
    case 'file':
      checkKeys(source, ['type', 'file_id'], at);
      return [{ part: { $case: 'file', value: { fileId: expectString(source['file_id'], `${at}.file_id`), filename: title, data: '', url: '', mediaType: '' } }, cacheControlJson: '' }];
    case 'text':
      checkKeys(source, ['type', 'media_type', 'data'], at);
      if (source['media_type'] !== 'text/plain') throw IrError.invalid(`${at}.media_type: expected "text/plain"`, `${at}.media_type`);
      return [text(expectString(source['data'], `${at}.data`))];
    case 'content': {
      checkKeys(source, ['type', 'content'], at);
      const inner = source['content'];
      if (typeof inner === 'string') return [text(inner)];
      return expectArray(inner, `${at}.content`).map((b, i) => {
        const p = `${at}.content[${i}]`;
        const part = expectObject(b, p);
        const t = expectString(part['type'], `${p}.type`);
        if (t !== 'text' && t !== 'image') throw IrError.invalid(`${p}.type: expected "text" or "image"`, `${p}.type`);
        const [converted] = parseBlock(part, p, 'tool_result', scope);
        return converted as ContentPart;
      });
    }
    default:
      throw IrError.invalid(`${at}.type: unknown document source type "${type}"`, `${at}.type`);
  }
}

function dropIfSet(block: JsonObject, keys: readonly string[], path: string, scope: ParseScope): void {
  for (const key of keys) {
    const v = block[key];
    if (v === undefined || v === null) continue;
    const name = `${path}.${key}`;
    if (scope.droppedSeen.has(name)) continue;
    scope.droppedSeen.add(name);
    scope.dropped.push(name);
  }
}

function text(value: string): ContentPart {
  return { part: { $case: 'text', value: { text: value, signature: '' } }, cacheControlJson: '' };
}
