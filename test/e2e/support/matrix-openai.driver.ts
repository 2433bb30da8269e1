import OpenAI from 'openai';
import { MATRIX_KEY } from './matrix-config';
import { type Ask, type ClientUsage, type ClientAnswer, type ClientDriver, type Json, capturingFetch, parseArgs } from './matrix-client.types';

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
