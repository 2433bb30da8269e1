import { ContentPart, IrError, Message, Role } from '@switchyard/ir';
import { JsonObject, expectArray, expectObject, expectString, isObject, optBoolean, optString } from '../json-guards';
import { field } from './gemini-fields';

// Gemini `contents` / `systemInstruction` → IR messages (ai.google.dev/api/caching#Content).
// A user turn may mix functionResponse parts with other parts; each run of functionResponse
// parts becomes one TOOL message, the rest USER messages, in order.

const DATA_FIELDS = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse'] as const;
// Part kinds produced by Gemini's server-side tools, which the gateway does not run.
const UNSUPPORTED_DATA = ['executableCode', 'codeExecutionResult', 'toolCall', 'toolResponse'] as const;
// Part fields that tune how Gemini reads the part; other upstreams have no equivalent and the
// answer stays right without them.
const DROPPABLE = ['mediaResolution', 'partMetadata'] as const;

/**
 * Ids for function calls. Gemini calls often carry no id and the matching functionResponse is
 * found by name, in order; the IR (and OpenAI/Anthropic upstreams) pair them by id. A call
 * without an id gets `call_<turn>_<index>` (stable across requests, so the same history gives
 * the same ids), and a response without an id takes the oldest unanswered call of its name.
 */
class CallIds {
  private readonly pending = new Map<string, CallQueue>();

  call(name: string, id: string | undefined, turn: number, index: number): string {
    const callId = id || `call_${turn}_${index}`;
    let queue = this.pending.get(name);
    if (!queue) {
      queue = new CallQueue();
      this.pending.set(name, queue);
    }
    queue.push(callId);
    return callId;
  }

  response(name: string, id: string | undefined, turn: number, index: number): string {
    const queue = this.pending.get(name);
    if (id) {
      queue?.remove(id);
      return id;
    }
    // A response to no earlier call keeps a stable id of its own; the upstream decides.
    return queue?.shift() ?? `call_${turn}_${index}`;
  }
}

/**
 * The unanswered calls of one function name, oldest first: `shift` takes the oldest, `remove`
 * the oldest with a given id. Removal marks the slot instead of splicing, and each id keeps its
 * slots, so both are O(1) amortised: with a scan and a splice per response, 35,000 calls
 * answered in reverse order (3.2 MB) spent 0.6 s in the scans alone (found while fuzzing).
 */
class CallQueue {
  private readonly ids: string[] = [];
  private readonly removed = new Set<number>();
  private head = 0;
  /** Per id, the slots it still holds (oldest first, from `next`). */
  private readonly slots = new Map<string, { at: number[]; next: number }>();

  push(id: string): void {
    let s = this.slots.get(id);
    if (!s) {
      s = { at: [], next: 0 };
      this.slots.set(id, s);
    }
    s.at.push(this.ids.length);
    this.ids.push(id);
  }

  remove(id: string): void {
    const s = this.slots.get(id);
    if (s && s.next < s.at.length) this.removed.add(s.at[s.next++] as number);
  }

  shift(): string | undefined {
    while (this.head < this.ids.length && this.removed.has(this.head)) this.head++;
    if (this.head >= this.ids.length) return undefined;
    const id = this.ids[this.head++] as string;
    // The oldest slot of this id is the one just taken: older ones were taken or removed.
    const s = this.slots.get(id);
    if (s) s.next++;
    return id;
  }
}

export function parseGeminiContents(raw: unknown, path: string, dropped: string[]): Message[] {
  const contents = expectArray(raw, path);
  if (contents.length === 0) throw IrError.invalid(`${path}: must contain at least one content`, path);
  const ids = new CallIds();
  const messages: Message[] = [];
  contents.forEach((c, turn) => parseContent(c, `${path}[${turn}]`, turn, ids, dropped, messages));
  for (const m of messages) {
    // The empty text part that ends a streamed turn says nothing; upstreams such as Anthropic
    // reject empty text blocks.
    if (m.role === Role.ROLE_ASSISTANT && m.content && m.content.length > 1) m.content = m.content.filter((c) => !isEmptyText(c));
  }
  return messages;
}

function isEmptyText(c: ContentPart): boolean {
  return c.part?.$case === 'text' && !c.part.value.text && !c.part.value.signature;
}

/**
 * Appends a model part, joining it to the previous one when both are text (or both thought
 * text) and at most one carries a signature: streamed fragments of one text come back as many
 * parts, and a signature sent as its own trailing part belongs to the text before it.
 */
function pushMerged(content: ContentPart[], part: ContentPart): void {
  const last = content[content.length - 1]?.part;
  const next = part.part;
  if (last?.$case === 'text' && next?.$case === 'text' && !last.value.signature) {
    last.value.text = (last.value.text) + (next.value.text);
    if (next.value.signature) last.value.signature = next.value.signature;
    return;
  }
  if (last?.$case === 'reasoning' && next?.$case === 'reasoning' && !last.value.signature) {
    last.value.text = (last.value.text) + (next.value.text);
    last.value.signature = next.value.signature;
    return;
  }
  content.push(part);
}

export function parseSystemInstruction(raw: unknown, dropped: string[]): ContentPart[] {
  if (raw === undefined || raw === null) return [];
  const c = expectObject(raw, 'systemInstruction');
  return expectArray(field(c, 'parts'), 'systemInstruction.parts').map((p, j) => {
    const at = `systemInstruction.parts[${j}]`;
    const part = parsePart(p, at, 'user', dropped);
    if (part.part?.$case !== 'text') throw IrError.invalid(`${at}: only text parts are allowed in systemInstruction`, at);
    return part;
  });
}

function parseContent(raw: unknown, path: string, turn: number, ids: CallIds, dropped: string[], out: Message[]): void {
  const c = expectObject(raw, path);
  const role = optString(field(c, 'role'), `${path}.role`) ?? 'user';
  // "function" is the role older Gemini docs gave turns holding functionResponse parts.
  if (role !== 'user' && role !== 'model' && role !== 'function') {
    throw IrError.invalid(`${path}.role: must be "user" or "model", got "${role}"`, `${path}.role`);
  }
  const parts = expectArray(field(c, 'parts'), `${path}.parts`);
  if (parts.length === 0) throw IrError.invalid(`${path}.parts: must contain at least one part`, `${path}.parts`);

  if (role === 'model') {
    // Consecutive model contents are one turn: the SDK's chat history keeps each streamed chunk
    // as a content of its own, so a turn comes back as many small ones.
    let turnMessage = out[out.length - 1];
    if (turnMessage?.role !== Role.ROLE_ASSISTANT) {
      turnMessage = { role: Role.ROLE_ASSISTANT, content: [], name: '' };
      out.push(turnMessage);
    }
    const content = turnMessage.content;
    turnMessage.content = content;
    let calls = 0;
    parts.forEach((p, j) => {
      const part = parsePart(p, `${path}.parts[${j}]`, 'model', dropped);
      if (part.part?.$case === 'toolCall') part.part.value.id = ids.call(part.part.value.name, part.part.value.id, turn, calls++);
      pushMerged(content, part);
    });
    return;
  }

  let run: Message | undefined;
  parts.forEach((p, j) => {
    const part = parsePart(p, `${path}.parts[${j}]`, 'user', dropped);
    const role = part.part?.$case === 'toolResult' ? Role.ROLE_TOOL : Role.ROLE_USER;
    if (part.part?.$case === 'toolResult') part.part.value.callId = ids.response(part.part.value.name, part.part.value.callId, turn, j);
    if (run?.role !== role) {
      run = { role, content: [], name: '' };
      out.push(run);
    }
    run.content?.push(part);
  });
}

function parsePart(raw: unknown, path: string, role: 'user' | 'model', dropped: string[]): ContentPart {
  const p = expectObject(raw, path);
  for (const name of UNSUPPORTED_DATA) {
    if (field(p, name) !== undefined) throw IrError.invalid(`${path}.${name}: parts of Gemini's server-side tools are not supported`, `${path}.${name}`);
  }
  if (field(p, 'videoMetadata') !== undefined) {
    throw IrError.invalid(`${path}.videoMetadata: video clipping is not supported`, `${path}.videoMetadata`);
  }
  for (const name of DROPPABLE) if (field(p, name) !== undefined) dropped.push(`${path}.${name}`);

  const present = DATA_FIELDS.filter((name) => field(p, name) !== undefined && field(p, name) !== null);
  if (present.length > 1) throw IrError.invalid(`${path}: a part holds exactly one of text, inlineData, fileData, functionCall or functionResponse, got ${present.join(' and ')}`, path);
  const signature = optString(field(p, 'thoughtSignature'), `${path}.thoughtSignature`);
  const thought = optBoolean(field(p, 'thought'), `${path}.thought`) ?? false;
  const kind = present[0];

  switch (kind) {
    case undefined:
      // Gemini 3 streams end with an empty text part that only carries the signature.
      if (signature !== undefined) return text('', signature);
      throw IrError.invalid(`${path}: expected one of text, inlineData, fileData, functionCall or functionResponse`, path);
    case 'text': {
      const t = expectString(field(p, 'text'), `${path}.text`);
      if (thought && role === 'model') return { part: { $case: 'reasoning', value: { text: t, signature: signature ?? '', redactedData: '' } }, cacheControlJson: '' };
      return text(t, signature);
    }
    case 'inlineData':
      noSignature(signature, path, dropped);
      return inlineData(expectObject(field(p, 'inlineData'), `${path}.inlineData`), `${path}.inlineData`);
    case 'fileData':
      noSignature(signature, path, dropped);
      return fileData(expectObject(field(p, 'fileData'), `${path}.fileData`), `${path}.fileData`);
    case 'functionCall': {
      const at = `${path}.functionCall`;
      if (role !== 'model') throw IrError.invalid(`${at}: functionCall parts belong in "model" turns`, at);
      const fc = expectObject(field(p, 'functionCall'), at);
      const args = field(fc, 'args');
      if (args !== undefined && args !== null && !isObject(args)) throw IrError.invalid(`${at}.args: expected an object`, `${at}.args`);
      return {
        part: {
          $case: 'toolCall',
          value: { id: optString(field(fc, 'id'), `${at}.id`) ?? '', name: name(fc, at), argumentsJson: JSON.stringify(args ?? {}), signature: signature ?? '' },
        },
        cacheControlJson: '',
      };
    }
    case 'functionResponse':
      if (role !== 'user') throw IrError.invalid(`${path}.functionResponse: functionResponse parts belong in "user" turns`, `${path}.functionResponse`);
      noSignature(signature, path, dropped);
      return functionResponse(expectObject(field(p, 'functionResponse'), `${path}.functionResponse`), `${path}.functionResponse`, dropped);
  }
}

function text(t: string, signature: string | undefined): ContentPart {
  return { part: { $case: 'text', value: signature === undefined ? { text: t, signature: '' } : { text: t, signature } }, cacheControlJson: '' };
}

/** The IR keeps signatures on text, reasoning and function calls only (where Gemini sends them). */
function noSignature(signature: string | undefined, path: string, dropped: string[]): void {
  if (signature !== undefined) dropped.push(`${path}.thoughtSignature`);
}

function name(o: JsonObject, path: string): string {
  const n = expectString(field(o, 'name'), `${path}.name`);
  if (!n) throw IrError.invalid(`${path}.name: must not be empty`, `${path}.name`);
  return n;
}

function inlineData(blob: JsonObject, path: string): ContentPart {
  const mimeType = expectString(field(blob, 'mimeType'), `${path}.mimeType`);
  const data = expectString(field(blob, 'data'), `${path}.data`);
  const type = mimeType.toLowerCase();
  if (type.startsWith('image/')) return { part: { $case: 'image', value: { data, mediaType: mimeType, detail: '', url: '' } }, cacheControlJson: '' };
  if (type.startsWith('audio/')) return { part: { $case: 'audio', value: { data, format: audioFormat(type) } }, cacheControlJson: '' };
  const filename = optString(field(blob, 'displayName'), `${path}.displayName`) ?? '';
  return { part: { $case: 'file', value: { data, mediaType: mimeType, filename, url: '', fileId: '' } }, cacheControlJson: '' };
}

/** IR AudioPart.format is the short name OpenAI uses ("wav", "mp3"); others keep the subtype. */
function audioFormat(mimeType: string): string {
  const subtype = mimeType.slice('audio/'.length);
  if (subtype === 'mpeg' || subtype === 'mp3') return 'mp3';
  if (subtype === 'x-wav' || subtype === 'wave') return 'wav';
  return subtype;
}

function fileData(f: JsonObject, path: string): ContentPart {
  const url = expectString(field(f, 'fileUri'), `${path}.fileUri`);
  const mediaType = optString(field(f, 'mimeType'), `${path}.mimeType`) ?? '';
  if (mediaType.toLowerCase().startsWith('image/')) return { part: { $case: 'image', value: { url, mediaType, detail: '', data: '' } }, cacheControlJson: '' };
  const filename = optString(field(f, 'displayName'), `${path}.displayName`) ?? '';
  return { part: { $case: 'file', value: { url, mediaType, filename, data: '', fileId: '' } }, cacheControlJson: '' };
}

function functionResponse(fr: JsonObject, path: string, dropped: string[]): ContentPart {
  const response = field(fr, 'response');
  if (response !== undefined && response !== null && !isObject(response)) throw IrError.invalid(`${path}.response: expected an object`, `${path}.response`);
  const result = response ?? {};
  const content: ContentPart[] = [{ part: { $case: 'text', value: { text: JSON.stringify(result), signature: '' } }, cacheControlJson: '' }];
  const parts = field(fr, 'parts');
  if (parts !== undefined && parts !== null) {
    expectArray(parts, `${path}.parts`).forEach((raw, k) => {
      const at = `${path}.parts[${k}]`;
      const p = expectObject(raw, at);
      const blob = field(p, 'inlineData');
      const file = field(p, 'fileData');
      if (blob !== undefined) content.push(inlineData(expectObject(blob, `${at}.inlineData`), `${at}.inlineData`));
      else if (file !== undefined) content.push(fileData(expectObject(file, `${at}.fileData`), `${at}.fileData`));
      else throw IrError.invalid(`${at}: expected inlineData or fileData`, at);
    });
  }
  // Live-API scheduling hints; a request/response turn has nothing to schedule.
  for (const hint of ['willContinue', 'scheduling']) if (field(fr, hint) !== undefined) dropped.push(`${path}.${hint}`);
  return {
    part: {
      $case: 'toolResult',
      value: {
        callId: optString(field(fr, 'id'), `${path}.id`) ?? '',
        name: name(fr, path),
        content,
        // Gemini's convention: "output" for a result, "error" for a failure (FunctionResponse docs).
        isError: isObject(result) && result['error'] !== undefined && result['output'] === undefined,
      },
    },
    cacheControlJson: '',
  };
}
