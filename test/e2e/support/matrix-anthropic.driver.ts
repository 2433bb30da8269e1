import Anthropic from '@anthropic-ai/sdk';
import { MATRIX_KEY } from './matrix-config';
import { type Finish, type Ask, type ClientToolCall, type ClientUsage, type ClientAnswer, type ClientDriver, type Json, capturingFetch } from './matrix-client.types';

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
