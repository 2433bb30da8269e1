import { ChatRequest, ContentPart, IrError, Message, Role, ToolCallPart, ToolResultPart } from '@switchyard/ir';
import { audioPart, filePart, imagePart } from './gemini.media';
import type { GeminiContent, GeminiPart } from './gemini.types';

// IR system + messages → Gemini systemInstruction + contents.
// - roles: user → user, assistant → model, tool → user (functionResponse parts); consecutive
//   contents of one role are merged, as Gemini expects turns to alternate.
// - reasoning parts are dropped: Gemini does not take thoughts back as input, and a signature
//   on them (Anthropic's) means nothing to Gemini. Gemini's own signatures ride on text and
//   tool call parts (TextPart/ToolCallPart.signature) and are replayed as thoughtSignature.
// - tool call ids: Gemini 3 returns an id per functionCall and wants it back on the matching
//   functionResponse (ai.google.dev/gemini-api/docs/function-calling). Ids this adapter minted
//   for calls that came without one are not Gemini's and are left out, as Google's ADK does
//   with its own client-side ids; matching then falls back to name and order. So are the ids
//   the Gemini dialect gives a client's id-less calls (`call_<turn>_<index>`, see
//   libs/dialects/src/gemini/gemini-content.parse.ts).
// - Gemini 3 refuses a history whose function-call steps lack their thoughtSignature, which is
//   what a conversation started on another provider looks like. The documented stand-in
//   (ai.google.dev/gemini-api/docs/thought-signatures, "skip_thought_signature_validator") is
//   put on the first functionCall part of such a step; Gemini 1.x/2.x never need it.

/** Prefix of the ids minted for function calls that Gemini answered without an id. */
export const MINTED_CALL_ID_PREFIX = 'call_sy_';
const DIALECT_CALL_ID = /^call_\d+_\d+$/;
export const DUMMY_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

export interface GeminiPrompt {
  systemInstruction?: GeminiContent;
  contents: GeminiContent[];
}

export function geminiPrompt(req: ChatRequest, dropped: Set<string>, needsSignatures: boolean): GeminiPrompt {
  const prompt: GeminiPrompt = { contents: [] };
  if (req.system?.length) {
    prompt.systemInstruction = {
      parts: req.system.map((p, i) => {
        if (p.cacheControlJson) dropped.add('system.cache_control');
        if (p.part?.$case !== 'text') throw IrError.invalid(`system[${i}]: Gemini system instructions take text only`, `system[${i}]`);
        return textPart(p.part.value.text, p.part.value.signature);
      }),
    };
  }
  const callNames = new Map<string, string>();
  (req.messages).forEach((m, i) => {
    const role = roleOf(m, i);
    if (m.name) dropped.add('messages.name');
    const parts: GeminiPart[] = [];
    (m.content).forEach((p, j) => {
      const part = partOf(p, `messages[${i}].content[${j}]`, m.role, callNames, dropped);
      if (part) parts.push(part);
    });
    if (parts.length === 0) return;
    const last = prompt.contents[prompt.contents.length - 1];
    if (last?.role === role) last.parts.push(...parts);
    else prompt.contents.push({ role, parts });
  });
  if (prompt.contents.length === 0) throw IrError.invalid('messages: Gemini needs at least one message with content', 'messages');
  if (needsSignatures) {
    for (const c of prompt.contents) {
      const first = c.role === 'model' ? c.parts.find((p) => p.functionCall) : undefined;
      if (first && !first.thoughtSignature) first.thoughtSignature = DUMMY_THOUGHT_SIGNATURE;
    }
  }
  return prompt;
}

/** The id to send with a function call or response, unless it is one this adapter minted. */
export function geminiCallId(id: string | undefined): string | undefined {
  return id && !id.startsWith(MINTED_CALL_ID_PREFIX) && !DIALECT_CALL_ID.test(id) ? id : undefined;
}

function roleOf(m: Message, i: number): 'user' | 'model' {
  switch (m.role) {
    case Role.ROLE_USER:
    case Role.ROLE_TOOL:
      return 'user';
    case Role.ROLE_ASSISTANT:
      return 'model';
    case Role.ROLE_UNSPECIFIED:
    case undefined:
      throw IrError.invalid(`messages[${i}]: message role is missing`, `messages[${i}].role`);
  }
}

function partOf(p: ContentPart, path: string, role: Role | undefined, callNames: Map<string, string>, dropped: Set<string>): GeminiPart | undefined {
  if (p.cacheControlJson) dropped.add('messages.content.cache_control');
  const part = p.part;
  switch (part?.$case) {
    case 'text':
      return textPart(part.value.text, part.value.signature);
    case 'image':
      if (part.value.detail) dropped.add('messages.content.image.detail');
      return imagePart(part.value, `${path}.image`);
    case 'audio':
      return audioPart(part.value, `${path}.audio`);
    case 'file':
      if (part.value.filename) dropped.add('messages.content.file.filename');
      return filePart(part.value, `${path}.file`);
    case 'toolCall':
      if (role !== Role.ROLE_ASSISTANT) throw IrError.invalid(`${path}: only assistant messages can carry tool calls`, path);
      if (part.value.id && part.value.name) callNames.set(part.value.id, part.value.name);
      return functionCallPart(part.value, `${path}.tool_call`);
    case 'toolResult':
      if (role === Role.ROLE_ASSISTANT) throw IrError.invalid(`${path}: assistant messages cannot carry tool results`, path);
      return functionResponsePart(part.value, `${path}.tool_result`, callNames);
    case 'reasoning':
      dropped.add('messages.content.reasoning');
      return undefined;
    case undefined:
      throw IrError.invalid(`${path}: empty content part`, path);
  }
}

function textPart(text: string, signature: string | undefined): GeminiPart {
  return signature ? { text, thoughtSignature: signature } : { text };
}

function functionCallPart(call: ToolCallPart, path: string): GeminiPart {
  if (!call.name) throw IrError.invalid(`${path}.name: a tool call needs a name`, `${path}.name`);
  const args = call.argumentsJson ? parseJson(call.argumentsJson) : {};
  if (!isObject(args)) throw IrError.invalid(`${path}.arguments: Gemini takes tool call arguments as a JSON object`, `${path}.arguments`);
  const id = geminiCallId(call.id);
  const part: GeminiPart = { functionCall: id ? { id, name: call.name, args } : { name: call.name, args } };
  if (call.signature) part.thoughtSignature = call.signature;
  return part;
}

// FunctionResponse.response must be a JSON object; genai.d.ts: 'Use "output" key to specify
// function output and "error" key to specify error details'. A result that is itself a JSON
// object is sent as that object; anything else is wrapped.
function functionResponsePart(result: ToolResultPart, path: string, callNames: Map<string, string>): GeminiPart {
  const name = result.name || callNames.get(result.callId);
  if (!name) throw IrError.invalid(`${path}: Gemini needs the function name of a tool result, and no earlier tool call has id "${result.callId}"`, `${path}.call_id`);
  const texts: string[] = [];
  const media: GeminiPart[] = [];
  (result.content).forEach((c, k) => {
    const at = `${path}.content[${k}]`;
    const part = c.part;
    if (part?.$case === 'text') texts.push(part.value.text);
    // Multimodal function responses (FunctionResponse.parts: inlineData / fileData only).
    else if (part?.$case === 'image') media.push(imagePart(part.value, `${at}.image`));
    else if (part?.$case === 'file') media.push(filePart(part.value, `${at}.file`));
    else throw IrError.invalid(`${at}: a Gemini tool result can hold text, images and files only`, at);
  });
  const text = texts.join('\n');
  const parsed = parseJson(text);
  const object = isObject(parsed) ? parsed : undefined;
  const response = result.isError ? { error: object ?? text } : object ?? { output: text };
  const id = geminiCallId(result.callId);
  const fr: GeminiPart['functionResponse'] = id ? { id, name, response } : { name, response };
  if (media.length) fr.parts = media;
  return { functionResponse: fr };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
