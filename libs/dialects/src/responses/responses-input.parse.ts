import { ContentPart, IrError, Message, Role } from '@switchyard/ir';
import { JsonObject, expectArray, expectObject, expectString, optString, parseDataUrl } from '../json-guards';
import { splitToolCallId } from '../tool-call-id';

// OpenAI Responses `input` items → IR system parts and messages. Reference: the `openai` SDK's
// ResponseInputItem (src/resources/responses/responses.ts): EasyInputMessage and
// ResponseInputItem.Message (role user / system / developer / assistant, content a string or
// input_text / input_image / input_file parts), ResponseOutputMessage replayed as input
// (output_text / refusal parts), ResponseFunctionToolCall (`function_call`),
// FunctionCallOutput (`function_call_output`) and ResponseReasoningItem (`reasoning`).
//
// One assistant turn in the Responses API is several items (reasoning, message, function_call
// …); the IR has one assistant message per turn (Anthropic requires tool_use blocks in the
// same turn as the text before them), so consecutive assistant items are merged.

/**
 * Reasoning the provider signs is replayed through `encrypted_content`, the Responses API's
 * opaque field for it: a signature as it is, redacted reasoning (Anthropic redacted_thinking)
 * behind this prefix, so the two come apart again on the next turn.
 */
export const REDACTED_REASONING_PREFIX = 'sy-redacted:';

/** Items the Responses API has that only OpenAI's own servers can run or resolve. */
const HOSTED_ITEMS = new Set([
  'file_search_call', 'computer_call', 'computer_call_output', 'web_search_call', 'image_generation_call', 'code_interpreter_call', 'local_shell_call',
  'local_shell_call_output', 'shell_call', 'shell_call_output', 'apply_patch_call', 'apply_patch_call_output', 'mcp_list_tools', 'mcp_approval_request',
  'mcp_approval_response', 'mcp_call', 'custom_tool_call', 'custom_tool_call_output', 'tool_search_call', 'tool_search_output', 'compaction',
]);

export interface ParsedInput {
  system: ContentPart[];
  messages: Message[];
}

/** Appends the IR form of `items` to `into`; `path` names the list in errors (`input`). */
export function parseInputItems(items: readonly unknown[], path: string, into: ParsedInput): void {
  items.forEach((raw, i) => parseItem(expectObject(raw, `${path}[${i}]`), `${path}[${i}]`, into));
}

function parseItem(item: JsonObject, path: string, into: ParsedInput): void {
  const type = optString(item['type'], `${path}.type`) ?? 'message';
  switch (type) {
    case 'message':
      return parseMessage(item, path, into);
    case 'function_call': {
      const { id, signature } = splitToolCallId(expectString(item['call_id'], `${path}.call_id`));
      const call = { id, name: expectString(item['name'], `${path}.name`), argumentsJson: expectString(item['arguments'], `${path}.arguments`), signature: signature ?? '' };
      assistantTurn(into).content.push({ part: { $case: 'toolCall', value: call }, cacheControlJson: '' });
      return;
    }
    case 'function_call_output': {
      const callId = splitToolCallId(expectString(item['call_id'], `${path}.call_id`)).id;
      const output = item['output'];
      const content = typeof output === 'string' ? [text(output)] : expectArray(output, `${path}.output`).map((p, j) => inputPart(p, `${path}.output[${j}]`));
      into.messages.push({ role: Role.ROLE_TOOL, content: [{ part: { $case: 'toolResult', value: { callId, content, name: '', isError: false } }, cacheControlJson: '' }], name: '' });
      return;
    }
    case 'reasoning': {
      const part = reasoningPart(item, path);
      // An item with neither text nor encrypted content carries nothing an upstream could use.
      if (part) assistantTurn(into).content.push(part);
      return;
    }
    case 'item_reference':
      throw IrError.invalid(`${path}.type: item references are not supported; send the items themselves, or continue a stored response with previous_response_id`, `${path}.type`);
    default:
      if (HOSTED_ITEMS.has(type)) throw IrError.invalid(`${path}.type: "${type}" items belong to tools this gateway does not run; only messages, function calls, their outputs and reasoning are supported`, `${path}.type`);
      throw IrError.invalid(`${path}.type: unknown item type "${type}"`, `${path}.type`);
  }
}

function parseMessage(item: JsonObject, path: string, into: ParsedInput): void {
  const role = expectString(item['role'], `${path}.role`);
  const content = item['content'];
  switch (role) {
    case 'user':
      into.messages.push({ role: Role.ROLE_USER, content: contentOf(content, `${path}.content`, inputPart), name: '' });
      return;
    case 'system':
    case 'developer':
      into.system.push(...contentOf(content, `${path}.content`, instructionPart));
      return;
    case 'assistant':
      assistantTurn(into).content.push(...contentOf(content, `${path}.content`, assistantPart));
      return;
    default:
      throw IrError.invalid(`${path}.role: unknown role "${role}"`, `${path}.role`);
  }
}

function contentOf(raw: unknown, path: string, part: (p: unknown, path: string) => ContentPart): ContentPart[] {
  if (typeof raw === 'string') return [text(raw)];
  return expectArray(raw, path).map((p, j) => part(p, `${path}[${j}]`));
}

/** The assistant message the next assistant item belongs to: the last one, or a new one. */
function assistantTurn(into: ParsedInput): Message {
  const last = into.messages[into.messages.length - 1];
  if (last?.role === Role.ROLE_ASSISTANT) return last;
  const turn: Message = { role: Role.ROLE_ASSISTANT, content: [], name: '' };
  into.messages.push(turn);
  return turn;
}

function text(value: string): ContentPart {
  return { part: { $case: 'text', value: { text: value, signature: '' } }, cacheControlJson: '' };
}

function instructionPart(raw: unknown, path: string): ContentPart {
  const p = expectObject(raw, path);
  const type = expectString(p['type'], `${path}.type`);
  if (type !== 'input_text') throw IrError.invalid(`${path}.type: system and developer messages take input_text parts only`, `${path}.type`);
  return text(expectString(p['text'], `${path}.text`));
}

function assistantPart(raw: unknown, path: string): ContentPart {
  const p = expectObject(raw, path);
  const type = expectString(p['type'], `${path}.type`);
  if (type === 'output_text' || type === 'input_text') return text(expectString(p['text'], `${path}.text`));
  if (type === 'refusal') return text(expectString(p['refusal'], `${path}.refusal`));
  throw IrError.invalid(`${path}.type: assistant messages take output_text and refusal parts only`, `${path}.type`);
}

/** input_text, input_image, input_file: the parts of a user message and of a function call's output. */
function inputPart(raw: unknown, path: string): ContentPart {
  const p = expectObject(raw, path);
  const type = expectString(p['type'], `${path}.type`);
  switch (type) {
    case 'input_text':
      return text(expectString(p['text'], `${path}.text`));
    case 'input_image': {
      if (p['file_id'] !== undefined && p['file_id'] !== null) throw IrError.invalid(`${path}.file_id: images by file id are not supported; send image_url (an https or data: URL)`, `${path}.file_id`);
      const url = expectString(p['image_url'], `${path}.image_url`);
      const detail = optString(p['detail'], `${path}.detail`) ?? '';
      const inline = parseDataUrl(url);
      return { part: { $case: 'image', value: inline ? { data: inline.data, mediaType: inline.mediaType, detail, url: '' } : { url, detail, data: '', mediaType: '' } }, cacheControlJson: '' };
    }
    case 'input_file': {
      const fileData = optString(p['file_data'], `${path}.file_data`);
      const fileId = optString(p['file_id'], `${path}.file_id`);
      const fileUrl = optString(p['file_url'], `${path}.file_url`);
      if (!fileData && !fileId && !fileUrl) throw IrError.invalid(`${path}: needs file_data, file_id or file_url`, path);
      // OpenAI documents file_data as a data: URL; plain base64 is accepted as it is.
      const inline = fileData ? parseDataUrl(fileData) : undefined;
      const value = { data: inline?.data ?? fileData ?? '', mediaType: inline?.mediaType ?? '', fileId: fileId ?? '', filename: optString(p['filename'], `${path}.filename`) ?? '', url: fileUrl ?? '' };
      return { part: { $case: 'file', value }, cacheControlJson: '' };
    }
    default:
      throw IrError.invalid(`${path}.type: unknown content part type "${type}"`, `${path}.type`);
  }
}

function reasoningPart(item: JsonObject, path: string): ContentPart | undefined {
  const summary = item['summary'] === undefined || item['summary'] === null ? [] : expectArray(item['summary'], `${path}.summary`);
  const content = item['content'] === undefined || item['content'] === null ? [] : expectArray(item['content'], `${path}.content`);
  // The full reasoning text when the item has it, else its summary (all a client usually holds).
  const texts = (content.length ? content : summary).map((s, j) => expectString(expectObject(s, `${path}.summary[${j}]`)['text'], `${path}.summary[${j}].text`));
  const encrypted = optString(item['encrypted_content'], `${path}.encrypted_content`) ?? '';
  const redacted = encrypted.startsWith(REDACTED_REASONING_PREFIX) ? encrypted.slice(REDACTED_REASONING_PREFIX.length) : '';
  const id = optString(item['id'], `${path}.id`);
  const value = { text: texts.join('\n\n'), signature: redacted ? '' : encrypted, redactedData: redacted, ...(id && encrypted && !redacted ? { itemId: id } : {}) };
  if (!value.text && !encrypted) return undefined;
  return { part: { $case: 'reasoning', value }, cacheControlJson: '' };
}
