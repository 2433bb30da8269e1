import { ContentPart, IrError, Message, Role } from '@switchyard/ir';
import { expectArray, expectObject, expectString, isObject, optString, parseDataUrl } from '../json-guards';
import { splitToolCallId } from '../tool-call-id';

// OpenAI Chat Completions `messages` → IR system parts and messages.
//
// Instructions: `system` and `developer` messages (developer replaces system from o1 on) become
// ChatRequest.system parts in order, wherever they stand, because every other API has exactly
// one instruction block. What that loses — which role each instruction message had and where
// it stood in the conversation — is kept in extensions as `$instructions` (only when it is not
// the plain "system messages first" case), so an OpenAI upstream gets the messages back as they
// were sent. See INSTRUCTIONS_KEY.

/** Extension key (OpenAI family only) describing the client's instruction messages. */
export const INSTRUCTIONS_KEY = '$instructions';

/** One system/developer message: its role, how many IR messages preceded it, how many system parts it became. */
export interface InstructionMessage {
  role: 'system' | 'developer';
  at: number;
  parts: number;
}

export interface ParsedMessages {
  system: ContentPart[];
  messages: Message[];
  /** Undefined when every instruction message was a `system` message before the conversation. */
  instructions: InstructionMessage[] | undefined;
  dropped: string[];
}

export function parseOpenAiMessages(raw: unknown[]): ParsedMessages {
  const out: ParsedMessages = { system: [], messages: [], instructions: undefined, dropped: [] };
  const instructions: InstructionMessage[] = [];
  let plain = true;
  raw.forEach((m, i) => {
    const path = `messages[${i}]`;
    const msg = expectObject(m, path);
    const role = expectString(msg['role'], `${path}.role`);
    switch (role) {
      case 'system':
      case 'developer': {
        const parts = parseContent(msg['content'], `${path}.content`, false);
        if (msg['name'] !== undefined && msg['name'] !== null) out.dropped.push(`${path}.name`);
        out.system.push(...parts);
        instructions.push({ role, at: out.messages.length, parts: parts.length });
        if (role === 'developer' || out.messages.length > 0) plain = false;
        return;
      }
      case 'user':
        out.messages.push({ role: Role.ROLE_USER, content: parseContent(msg['content'], `${path}.content`, true), name: optString(msg['name'], `${path}.name`) ?? '' });
        return;
      case 'assistant':
        out.messages.push(parseAssistant(msg, path, out.dropped));
        return;
      case 'tool': {
        const callId = splitToolCallId(expectString(msg['tool_call_id'], `${path}.tool_call_id`)).id;
        const result: ContentPart = { part: { $case: 'toolResult', value: { callId, content: parseContent(msg['content'], `${path}.content`, false), name: '', isError: false } }, cacheControlJson: '' };
        out.messages.push({ role: Role.ROLE_TOOL, content: [result], name: '' });
        return;
      }
      case 'function':
        // The deprecated functions API answers with `function_call`, which we do not render:
        // translating the request alone would hand the client a reply shape it does not read.
        throw IrError.invalid(`${path}.role: "function" messages belong to the deprecated functions API; use tools and "tool" messages`, `${path}.role`);
      default:
        throw IrError.invalid(`${path}.role: unknown role "${role}"`, `${path}.role`);
    }
  });
  if (!plain) out.instructions = instructions;
  return out;
}

function parseAssistant(m: Record<string, unknown>, path: string, dropped: string[]): Message {
  if (m['function_call'] !== undefined && m['function_call'] !== null) {
    throw IrError.invalid(`${path}.function_call: the deprecated functions API is not supported; use tool_calls`, `${path}.function_call`);
  }
  const content: ContentPart[] = parseReasoning(m, path);
  if (m['content'] !== null && m['content'] !== undefined) content.push(...parseContent(m['content'], `${path}.content`, false));
  else if (typeof m['refusal'] === 'string' && m['refusal']) content.push({ part: { $case: 'text', value: { text: m['refusal'], signature: '' } }, cacheControlJson: '' });
  if (m['tool_calls'] !== undefined && m['tool_calls'] !== null) {
    expectArray(m['tool_calls'], `${path}.tool_calls`).forEach((c, j) => content.push(parseToolCall(c, `${path}.tool_calls[${j}]`)));
  }
  // A reference to audio the model produced earlier: only OpenAI's own store can resolve it.
  if (m['audio'] !== undefined && m['audio'] !== null) dropped.push(`${path}.audio`);
  return { role: Role.ROLE_ASSISTANT, content, name: optString(m['name'], `${path}.name`) ?? '' };
}

// Earlier reasoning, as OpenAI-compatible clients echo it: `reasoning_content` (DeepSeek's
// field, also Qwen, Moonshot, vLLM) and LiteLLM's `thinking_blocks`, which also carry
// Anthropic signatures and redacted thinking. The blocks win when both are present, because
// LiteLLM sends both and reasoning_content is then just their text joined.
function parseReasoning(m: Record<string, unknown>, path: string): ContentPart[] {
  const blocks = m['thinking_blocks'];
  if (blocks !== undefined && blocks !== null) {
    return expectArray(blocks, `${path}.thinking_blocks`).map((b, k): ContentPart => {
      const bp = `${path}.thinking_blocks[${k}]`;
      const block = expectObject(b, bp);
      const type = expectString(block['type'], `${bp}.type`);
      if (type === 'thinking') {
        return { part: { $case: 'reasoning', value: { text: expectString(block['thinking'], `${bp}.thinking`), signature: optString(block['signature'], `${bp}.signature`) ?? '', redactedData: '' } }, cacheControlJson: '' };
      }
      if (type === 'redacted_thinking') return { part: { $case: 'reasoning', value: { redactedData: expectString(block['data'], `${bp}.data`), text: '', signature: '' } }, cacheControlJson: '' };
      throw IrError.invalid(`${bp}.type: unknown thinking block type "${type}"`, `${bp}.type`);
    });
  }
  const text = optString(m['reasoning_content'], `${path}.reasoning_content`);
  return text ? [{ part: { $case: 'reasoning', value: { text, signature: '', redactedData: '' } }, cacheControlJson: '' }] : [];
}

function parseToolCall(raw: unknown, path: string): ContentPart {
  const c = expectObject(raw, path);
  if (c['type'] !== undefined && c['type'] !== 'function') throw IrError.invalid(`${path}.type: only "function" tool calls are supported`, `${path}.type`);
  const fn = expectObject(c['function'], `${path}.function`);
  const { id, signature } = splitToolCallId(expectString(c['id'], `${path}.id`));
  const value = { id, name: expectString(fn['name'], `${path}.function.name`), argumentsJson: expectString(fn['arguments'], `${path}.function.arguments`), signature: signature ?? '' };
  return { part: { $case: 'toolCall', value }, cacheControlJson: '' };
}

function parseContent(raw: unknown, path: string, allowMedia: boolean): ContentPart[] {
  if (typeof raw === 'string') return [{ part: { $case: 'text', value: { text: raw, signature: '' } }, cacheControlJson: '' }];
  const parts = expectArray(raw, path);
  return parts.map((p, i) => parseContentPart(p, `${path}[${i}]`, allowMedia));
}

function parseContentPart(raw: unknown, path: string, allowMedia: boolean): ContentPart {
  const p = expectObject(raw, path);
  const type = expectString(p['type'], `${path}.type`);
  const part = partOf(p, type, path, allowMedia);
  // Anthropic-style prompt-caching markers some OpenAI-compatible servers (DashScope) accept.
  const cache = p['cache_control'];
  if (cache === undefined || cache === null) return part;
  if (!isObject(cache)) throw IrError.invalid(`${path}.cache_control: expected an object`, `${path}.cache_control`);
  return { ...part, cacheControlJson: JSON.stringify(cache) };
}

function partOf(p: Record<string, unknown>, type: string, path: string, allowMedia: boolean): ContentPart {
  if (type === 'text') return { part: { $case: 'text', value: { text: expectString(p['text'], `${path}.text`), signature: '' } }, cacheControlJson: '' };
  if (type === 'refusal') return { part: { $case: 'text', value: { text: expectString(p['refusal'], `${path}.refusal`), signature: '' } }, cacheControlJson: '' };
  if (!allowMedia) throw IrError.invalid(`${path}.type: "${type}" parts are only allowed in user messages`, `${path}.type`);
  switch (type) {
    case 'image_url': {
      const img = expectObject(p['image_url'], `${path}.image_url`);
      const url = expectString(img['url'], `${path}.image_url.url`);
      const detail = optString(img['detail'], `${path}.image_url.detail`) ?? '';
      const inline = parseDataUrl(url);
      return { part: { $case: 'image', value: inline ? { data: inline.data, mediaType: inline.mediaType, detail, url: '' } : { url, detail, data: '', mediaType: '' } }, cacheControlJson: '' };
    }
    case 'input_audio': {
      const a = expectObject(p['input_audio'], `${path}.input_audio`);
      return { part: { $case: 'audio', value: { data: expectString(a['data'], `${path}.input_audio.data`), format: expectString(a['format'], `${path}.input_audio.format`) } }, cacheControlJson: '' };
    }
    case 'file': {
      const f = expectObject(p['file'], `${path}.file`);
      const fileData = optString(f['file_data'], `${path}.file.file_data`);
      const fileId = optString(f['file_id'], `${path}.file.file_id`);
      if (!fileData && !fileId) throw IrError.invalid(`${path}.file: needs file_data or file_id`, `${path}.file`);
      // OpenAI documents file_data as a data: URL; plain base64 is accepted as it is.
      const inline = fileData ? parseDataUrl(fileData) : undefined;
      return {
        part: {
          $case: 'file',
          value: { data: inline?.data ?? fileData ?? '', mediaType: inline?.mediaType ?? '', fileId: fileId ?? '', filename: optString(f['filename'], `${path}.file.filename`) ?? '', url: '' },
        },
        cacheControlJson: '',
      };
    }
    default:
      throw IrError.invalid(`${path}.type: unknown content part type "${type}"`, `${path}.type`);
  }
}
