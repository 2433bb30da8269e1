import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI, type Content, type GenerateContentConfig, type GenerateContentResponse, type Part } from '@google/genai';
import OpenAI from 'openai';
import { MATRIX_KEY } from './matrix-config';

// One driver per client dialect, each speaking through that dialect's official SDK, so a cell
// of the matrix is written once ("ask for a tool call, send the result back") and every SDK
// runs it. Answers are normalised to one shape; `replay` keeps the assistant turn exactly as
// the SDK received it, so signatures travel back the way a real client sends them.

export type ClientDialect = 'openai' | 'anthropic' | 'gemini';
export type Finish = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
}

export type ImageInput = { readonly url: string } | { readonly base64: string; readonly mediaType: string };

export type Turn =
  | { readonly role: 'user'; readonly text: string; readonly image?: ImageInput }
  | { readonly role: 'assistant'; readonly text: string }
  | { readonly role: 'replay'; readonly answer: ClientAnswer }
  | { readonly role: 'tool'; readonly results: readonly { readonly call: ClientToolCall; readonly content: string }[] };

export interface Ask {
  readonly model: string;
  readonly stream: boolean;
  readonly turns: readonly Turn[];
  readonly system?: string;
  readonly tools?: readonly ToolSpec[];
  readonly maxTokens?: number;
  readonly stop?: readonly string[];
  readonly json?: { readonly kind: 'object' } | { readonly kind: 'schema'; readonly schema: Record<string, unknown> };
  readonly reasoning?: boolean;
  /** Dialect-native fields merged into the body (Gemini: into the config). */
  readonly extra?: Record<string, unknown>;
  readonly signal?: AbortSignal;
  /** Called after the first streamed content delta. */
  readonly onDelta?: () => void;
}

export interface ClientToolCall {
  readonly id: string;
  readonly name: string;
  readonly args: unknown;
  /** Streaming only: how many argument fragments the SDK received for this call. */
  readonly fragments: number;
}

export interface ClientUsage {
  input: number;
  output: number;
  cached: number;
  reasoning: number;
}

export interface ClientAnswer {
  readonly text: string;
  readonly reasoning: string;
  readonly toolCalls: readonly ClientToolCall[];
  readonly finish: string;
  readonly usage: ClientUsage;
  readonly headers: Headers;
  /** The assistant turn in the dialect's own request shape. */
  readonly replay: unknown;
}

/** An error as the client saw it. */
export interface ClientError {
  readonly status: number | undefined;
  readonly message: string;
  /** Dialect error type: OpenAI error.type, Anthropic error.type, Gemini error.status. */
  readonly type: string | undefined;
  readonly headers: Headers | undefined;
}

export interface ClientDriver {
  readonly dialect: ClientDialect;
  chat(ask: Ask): Promise<ClientAnswer>;
  /** Reads an error thrown by chat() (or by the SDK elsewhere) in the dialect's terms. */
  errorOf(err: unknown): ClientError;
  /** Headers of the last HTTP response the SDK received. */
  lastHeaders(): Headers | undefined;
}

type Json = Record<string, unknown>;

/** A fetch that remembers the last response, so headers can be read whatever the SDK exposes. */
function capturingFetch(): { fetch: typeof fetch; last(): Response | undefined } {
  let last: Response | undefined;
  return {
    fetch: async (input, init) => {
      last = await fetch(input, init);
      return last;
    },
    last: () => last,
  };
}

function parseArgs(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return `UNPARSEABLE:${json}`;
  }
}

function jsonInMessage(message: string): Json | undefined {
  const at = message.indexOf('{');
  if (at < 0) return undefined;
  try {
    return JSON.parse(message.slice(at)) as Json;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- OpenAI

export function openAiDriver(baseUrl: string, apiKey = MATRIX_KEY): ClientDriver {
  const cap = capturingFetch();
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey, maxRetries: 0, fetch: cap.fetch });

  const messages = (ask: Ask): Json[] => {
    const out: Json[] = [];
    if (ask.system) out.push({ role: 'system', content: ask.system });
    for (const t of ask.turns) {
      switch (t.role) {
        case 'user':
          if (!t.image) out.push({ role: 'user', content: t.text });
          else {
            const url = 'url' in t.image ? t.image.url : `data:${t.image.mediaType};base64,${t.image.base64}`;
            out.push({ role: 'user', content: [{ type: 'text', text: t.text }, { type: 'image_url', image_url: { url } }] });
          }
          break;
        case 'assistant':
          out.push({ role: 'assistant', content: t.text });
          break;
        case 'replay':
          out.push(t.answer.replay as Json);
          break;
        case 'tool':
          for (const r of t.results) out.push({ role: 'tool', tool_call_id: r.call.id, content: r.content });
          break;
      }
    }
    return out;
  };

  const params = (ask: Ask): Json => {
    const p: Json = { model: ask.model, messages: messages(ask) };
    if (ask.tools) p['tools'] = ask.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
    if (ask.maxTokens !== undefined) p['max_completion_tokens'] = ask.maxTokens;
    // A single stop string is what most OpenAI clients send; the upstream must get a list.
    if (ask.stop) p['stop'] = ask.stop.length === 1 ? ask.stop[0] : [...ask.stop];
    if (ask.json?.kind === 'object') p['response_format'] = { type: 'json_object' };
    if (ask.json?.kind === 'schema') p['response_format'] = { type: 'json_schema', json_schema: { name: 'answer', schema: ask.json.schema, strict: true } };
    if (ask.reasoning) p['reasoning_effort'] = 'low';
    if (ask.stream) {
      p['stream'] = true;
      p['stream_options'] = { include_usage: true };
    }
    return { ...p, ...ask.extra };
  };

  const usageOf = (u: Json | null | undefined): ClientUsage => {
    const details = (u?.['prompt_tokens_details'] ?? {}) as Json;
    const out = (u?.['completion_tokens_details'] ?? {}) as Json;
    return {
      input: Number(u?.['prompt_tokens'] ?? 0),
      output: Number(u?.['completion_tokens'] ?? 0),
      cached: Number(details['cached_tokens'] ?? 0),
      reasoning: Number(out['reasoning_tokens'] ?? 0),
    };
  };

  const replayOf = (text: string, reasoning: string, thinkingBlocks: Json[] | undefined, calls: readonly { id: string; name: string; json: string }[]): Json => {
    const m: Json = { role: 'assistant', content: text === '' && calls.length ? null : text };
    if (calls.length) m['tool_calls'] = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.json } }));
    if (reasoning) m['reasoning_content'] = reasoning;
    if (thinkingBlocks?.length) m['thinking_blocks'] = thinkingBlocks;
    return m;
  };

  async function chat(ask: Ask): Promise<ClientAnswer> {
    const body = params(ask) as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
    if (!ask.stream) {
      const c = await client.chat.completions.create(body, { signal: ask.signal });
      const choice = c.choices[0];
      const m = choice.message as unknown as Json & { content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[] };
      const calls = (m.tool_calls ?? []).map((t) => ({ id: t.id, name: t.function.name, json: t.function.arguments }));
      const reasoning = String(m['reasoning_content'] ?? '');
      return {
        text: m.content ?? '',
        reasoning,
        toolCalls: calls.map((c) => ({ id: c.id, name: c.name, args: parseArgs(c.json), fragments: 1 })),
        finish: choice.finish_reason,
        usage: usageOf(c.usage as unknown as Json),
        headers: cap.last()?.headers ?? new Headers(),
        replay: replayOf(m.content ?? '', reasoning, m['thinking_blocks'] as Json[] | undefined, calls),
      };
    }
    const stream = await client.chat.completions.create({ ...body, stream: true } as OpenAI.Chat.ChatCompletionCreateParamsStreaming, { signal: ask.signal });
    const headers = cap.last()?.headers ?? new Headers();
    let text = '';
    let reasoning = '';
    let finish = '';
    let usage: ClientUsage = { input: 0, output: 0, cached: 0, reasoning: 0 };
    const thinking: Json[] = [];
    const calls: { id: string; name: string; json: string; fragments: number }[] = [];
    for await (const chunk of stream) {
      if (chunk.usage) usage = usageOf(chunk.usage as unknown as Json);
      const choice = chunk.choices[0];
      if (!choice) continue;
      const d = choice.delta as unknown as Json & { content?: string | null; tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[] };
      if (d.content) {
        text += d.content;
        ask.onDelta?.();
      }
      if (typeof d['reasoning_content'] === 'string') reasoning += d['reasoning_content'];
      if (Array.isArray(d['thinking_blocks'])) thinking.push(...(d['thinking_blocks'] as Json[]));
      for (const t of d.tool_calls ?? []) {
        const call = (calls[t.index] ??= { id: '', name: '', json: '', fragments: 0 });
        if (t.id) call.id = t.id;
        if (t.function?.name) call.name = t.function.name;
        if (t.function?.arguments) {
          call.json += t.function.arguments;
          call.fragments++;
          ask.onDelta?.();
        }
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    // Streamed thinking blocks carry the signature apart from the text (reasoning_content).
    const blocks = thinking.map((b) => (b['type'] === 'thinking' ? { ...b, thinking: reasoning } : b));
    return {
      text,
      reasoning,
      toolCalls: calls.map((c) => ({ id: c.id, name: c.name, args: parseArgs(c.json), fragments: c.fragments })),
      finish,
      usage,
      headers,
      replay: replayOf(text, reasoning, blocks, calls),
    };
  }

  return {
    dialect: 'openai',
    chat,
    lastHeaders: () => cap.last()?.headers,
    errorOf(err) {
      if (err instanceof OpenAI.APIError) {
        const e = err.error as Json | undefined;
        return { status: err.status, message: String(e?.['message'] ?? err.message), type: e?.['type'] as string | undefined, headers: err.headers };
      }
      return { status: undefined, message: String(err), type: undefined, headers: undefined };
    },
  };
}

// ---------------------------------------------------------------- Anthropic

export function anthropicDriver(baseUrl: string, apiKey = MATRIX_KEY): ClientDriver {
  const cap = capturingFetch();
  const client = new Anthropic({ baseURL: baseUrl, apiKey, maxRetries: 0, fetch: cap.fetch });

  const messages = (ask: Ask): Json[] => {
    const out: Json[] = [];
    for (const t of ask.turns) {
      switch (t.role) {
        case 'user':
          if (!t.image) out.push({ role: 'user', content: t.text });
          else {
            const source = 'url' in t.image ? { type: 'url', url: t.image.url } : { type: 'base64', media_type: t.image.mediaType, data: t.image.base64 };
            out.push({ role: 'user', content: [{ type: 'image', source }, { type: 'text', text: t.text }] });
          }
          break;
        case 'assistant':
          out.push({ role: 'assistant', content: t.text });
          break;
        case 'replay':
          out.push(t.answer.replay as Json);
          break;
        case 'tool':
          out.push({ role: 'user', content: t.results.map((r) => ({ type: 'tool_result', tool_use_id: r.call.id, content: r.content })) });
          break;
      }
    }
    return out;
  };

  const params = (ask: Ask): Json => {
    const p: Json = { model: ask.model, messages: messages(ask), max_tokens: ask.maxTokens ?? (ask.reasoning ? 4096 : 1024) };
    if (ask.system) p['system'] = ask.system;
    if (ask.tools) p['tools'] = ask.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters }));
    if (ask.stop) p['stop_sequences'] = [...ask.stop];
    if (ask.json?.kind === 'schema') p['output_config'] = { format: { type: 'json_schema', schema: ask.json.schema } };
    if (ask.json?.kind === 'object') throw new Error('the Anthropic Messages API has no schema-less JSON mode');
    if (ask.reasoning) p['thinking'] = { type: 'enabled', budget_tokens: 2048 };
    return { ...p, ...ask.extra };
  };

  const usageOf = (u: Json | undefined): ClientUsage => {
    const read = Number(u?.['cache_read_input_tokens'] ?? 0);
    const write = Number(u?.['cache_creation_input_tokens'] ?? 0);
    const details = u?.['output_tokens_details'] as Json | null | undefined;
    // Anthropic's input_tokens leaves out cache reads and writes; the prompt is the sum.
    return { input: Number(u?.['input_tokens'] ?? 0) + read + write, output: Number(u?.['output_tokens'] ?? 0), cached: read, reasoning: Number(details?.['thinking_tokens'] ?? 0) };
  };

  const FINISH: Record<string, Finish> = { end_turn: 'stop', stop_sequence: 'stop', pause_turn: 'stop', max_tokens: 'length', tool_use: 'tool_calls', refusal: 'content_filter' };

  const fromBlocks = (content: Json[], stopReason: string, usage: ClientUsage, headers: Headers, fragments: Map<number, number>): ClientAnswer => {
    const replay: Json[] = [];
    let text = '';
    let reasoning = '';
    const calls: ClientToolCall[] = [];
    content.forEach((b, i) => {
      switch (b['type']) {
        case 'text':
          text += String(b['text']);
          replay.push({ type: 'text', text: b['text'] });
          break;
        case 'thinking':
          reasoning += String(b['thinking']);
          replay.push({ type: 'thinking', thinking: b['thinking'], signature: b['signature'] });
          break;
        case 'redacted_thinking':
          replay.push({ type: 'redacted_thinking', data: b['data'] });
          break;
        case 'tool_use':
          calls.push({ id: String(b['id']), name: String(b['name']), args: b['input'], fragments: fragments.get(i) ?? 1 });
          replay.push({ type: 'tool_use', id: b['id'], name: b['name'], input: b['input'] });
          break;
      }
    });
    return { text, reasoning, toolCalls: calls, finish: FINISH[stopReason] ?? stopReason, usage, headers, replay: { role: 'assistant', content: replay } };
  };

  async function chat(ask: Ask): Promise<ClientAnswer> {
    const body = params(ask);
    if (!ask.stream) {
      const m = await client.messages.create(body as unknown as Anthropic.MessageCreateParamsNonStreaming, { signal: ask.signal });
      const raw = m as unknown as Json;
      return fromBlocks(raw['content'] as Json[], String(m.stop_reason), usageOf(raw['usage'] as Json), cap.last()?.headers ?? new Headers(), new Map());
    }
    const stream = client.messages.stream(body as unknown as Anthropic.MessageStreamParams, { signal: ask.signal });
    const fragments = new Map<number, number>();
    let usage: Json = {};
    for await (const ev of stream) {
      const e = ev as unknown as Json;
      if (e['type'] === 'message_start') usage = { ...((e['message'] as Json)['usage'] as Json) };
      if (e['type'] === 'message_delta') usage = { ...usage, ...Object.fromEntries(Object.entries(e['usage'] as Json).filter(([, v]) => v !== null && v !== undefined)) };
      if (e['type'] === 'content_block_delta') {
        const delta = e['delta'] as Json;
        const index = Number(e['index']);
        if (delta['type'] === 'input_json_delta') fragments.set(index, (fragments.get(index) ?? 0) + 1);
        if (delta['type'] === 'text_delta' || delta['type'] === 'input_json_delta') ask.onDelta?.();
      }
    }
    const m = (await stream.finalMessage()) as unknown as Json;
    return fromBlocks(m['content'] as Json[], String(m['stop_reason']), usageOf(usage), cap.last()?.headers ?? new Headers(), fragments);
  }

  return {
    dialect: 'anthropic',
    chat,
    lastHeaders: () => cap.last()?.headers,
    errorOf(err) {
      if (err instanceof Anthropic.APIError) {
        const body = err.error as Json | undefined;
        const e = (body?.['error'] ?? body) as Json | undefined;
        return { status: err.status, message: String(e?.['message'] ?? err.message), type: e?.['type'] as string | undefined, headers: err.headers };
      }
      return { status: undefined, message: String(err), type: undefined, headers: undefined };
    },
  };
}

// ---------------------------------------------------------------- Gemini

export function geminiDriver(baseUrl: string, apiKey = MATRIX_KEY): ClientDriver {
  const cap = capturingFetch();
  // Inside Jest the SDK must be handed fetch explicitly (it does not find the global one).
  const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl, fetch: cap.fetch } });

  const contents = (ask: Ask): Content[] => {
    const out: Content[] = [];
    for (const t of ask.turns) {
      switch (t.role) {
        case 'user': {
          const parts: Part[] = [{ text: t.text }];
          if (t.image && 'url' in t.image) parts.unshift({ fileData: { fileUri: t.image.url, mimeType: 'image/png' } });
          if (t.image && 'base64' in t.image) parts.unshift({ inlineData: { data: t.image.base64, mimeType: t.image.mediaType } });
          out.push({ role: 'user', parts });
          break;
        }
        case 'assistant':
          out.push({ role: 'model', parts: [{ text: t.text }] });
          break;
        case 'replay':
          out.push(t.answer.replay as Content);
          break;
        case 'tool':
          out.push({
            role: 'user',
            parts: t.results.map((r) => ({ functionResponse: { ...(r.call.id ? { id: r.call.id } : {}), name: r.call.name, response: { result: r.content } } })),
          });
          break;
      }
    }
    return out;
  };

  const config = (ask: Ask): GenerateContentConfig => {
    const c: GenerateContentConfig = {};
    if (ask.system) c.systemInstruction = ask.system;
    if (ask.tools) c.tools = [{ functionDeclarations: ask.tools.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parameters })) }];
    if (ask.maxTokens !== undefined) c.maxOutputTokens = ask.maxTokens;
    if (ask.stop) c.stopSequences = [...ask.stop];
    if (ask.json) c.responseMimeType = 'application/json';
    if (ask.json?.kind === 'schema') c.responseJsonSchema = ask.json.schema;
    if (ask.reasoning) c.thinkingConfig = { includeThoughts: true, thinkingBudget: 2048 };
    if (ask.signal) c.abortSignal = ask.signal;
    return { ...c, ...(ask.extra as GenerateContentConfig | undefined) };
  };

  const usageOf = (r: GenerateContentResponse | undefined): ClientUsage => {
    const u = r?.usageMetadata;
    // candidatesTokenCount leaves out the thoughts; the output is both.
    return { input: u?.promptTokenCount ?? 0, output: (u?.candidatesTokenCount ?? 0) + (u?.thoughtsTokenCount ?? 0), cached: u?.cachedContentTokenCount ?? 0, reasoning: u?.thoughtsTokenCount ?? 0 };
  };

  const answerOf = (parts: Part[], finishReason: string, usage: ClientUsage, headers: Headers): ClientAnswer => {
    let text = '';
    let reasoning = '';
    const calls: ClientToolCall[] = [];
    for (const p of parts) {
      if (p.functionCall) calls.push({ id: p.functionCall.id ?? '', name: p.functionCall.name ?? '', args: p.functionCall.args, fragments: 1 });
      else if (p.thought) reasoning += p.text ?? '';
      else if (p.text !== undefined) text += p.text;
    }
    const finish =
      finishReason === 'STOP' ? (calls.length ? 'tool_calls' : 'stop')
      : finishReason === 'MAX_TOKENS' ? 'length'
      : finishReason === 'SAFETY' || finishReason === 'PROHIBITED_CONTENT' || finishReason === 'RECITATION' ? 'content_filter'
      : finishReason;
    return { text, reasoning, toolCalls: calls, finish, usage, headers, replay: { role: 'model', parts } };
  };

  async function chat(ask: Ask): Promise<ClientAnswer> {
    const request = { model: ask.model, contents: contents(ask), config: config(ask) };
    if (!ask.stream) {
      const r = await ai.models.generateContent(request);
      const candidate = r.candidates?.[0];
      return answerOf(candidate?.content?.parts ?? [], String(candidate?.finishReason ?? ''), usageOf(r), cap.last()?.headers ?? new Headers());
    }
    const stream = await ai.models.generateContentStream(request);
    const headers = cap.last()?.headers ?? new Headers();
    const parts: Part[] = [];
    let finish = '';
    let last: GenerateContentResponse | undefined;
    for await (const chunk of stream) {
      const candidate = chunk.candidates?.[0];
      const got = candidate?.content?.parts ?? [];
      parts.push(...got);
      if (got.some((p) => (p.text && !p.thought) || p.functionCall)) ask.onDelta?.();
      if (candidate?.finishReason) finish = String(candidate.finishReason);
      if (chunk.usageMetadata) last = chunk;
    }
    return answerOf(parts, finish, usageOf(last), headers);
  }

  return {
    dialect: 'gemini',
    chat,
    lastHeaders: () => cap.last()?.headers,
    errorOf(err) {
      const e = err as { name?: string; status?: number; message?: string };
      if (e?.name === 'ApiError') {
        // The SDK puts the error body, as JSON, at the end of its message.
        const body = jsonInMessage(e.message ?? '');
        const inner = (body?.['error'] ?? {}) as Json;
        return { status: e.status, message: String(inner['message'] ?? e.message), type: inner['status'] as string | undefined, headers: cap.last()?.headers };
      }
      return { status: undefined, message: String(err), type: undefined, headers: undefined };
    },
  };
}

/** The dialect's driver, with the matrix's key or another of the same config's. */
export function driverFor(dialect: ClientDialect, baseUrl: string, apiKey = MATRIX_KEY): ClientDriver {
  switch (dialect) {
    case 'openai':
      return openAiDriver(baseUrl, apiKey);
    case 'anthropic':
      return anthropicDriver(baseUrl, apiKey);
    case 'gemini':
      return geminiDriver(baseUrl, apiKey);
  }
}
