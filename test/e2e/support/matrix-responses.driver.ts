import OpenAI from 'openai';
import { MATRIX_KEY } from './matrix-config';
import { type Ask, type ClientAnswer, type ClientDriver, type ClientToolCall, type ClientUsage, type Finish, type Json, capturingFetch, parseArgs } from './matrix-client.types';

// The Responses API dialect (POST /v1/responses) through the openai SDK's responses.create,
// stateless as agents run it: store false, the whole conversation in `input`, and the
// previous answer's output items sent back as they came (reasoning items with their
// encrypted content, which `include: ["reasoning.encrypted_content"]` asks for).

/** A response.failed (or error) event, thrown so a cell reads it as it reads an HTTP error. */
class ResponseFailed extends Error {
  constructor(
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export function responsesDriver(baseUrl: string, apiKey = MATRIX_KEY): ClientDriver {
  const cap = capturingFetch();
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey, maxRetries: 0, fetch: cap.fetch });

  const input = (ask: Ask): Json[] => {
    const out: Json[] = [];
    for (const t of ask.turns) {
      switch (t.role) {
        case 'user':
          if (!t.image) out.push({ role: 'user', content: t.text });
          else {
            const url = 'url' in t.image ? t.image.url : `data:${t.image.mediaType};base64,${t.image.base64}`;
            out.push({ role: 'user', content: [{ type: 'input_text', text: t.text }, { type: 'input_image', image_url: url, detail: 'auto' }] });
          }
          break;
        case 'assistant':
          out.push({ role: 'assistant', content: t.text });
          break;
        case 'replay':
          out.push(...(t.answer.replay as Json[]));
          break;
        case 'tool':
          for (const r of t.results) out.push({ type: 'function_call_output', call_id: r.call.id, output: r.content });
          break;
      }
    }
    return out;
  };

  const params = (ask: Ask): Json => {
    const p: Json = { model: ask.model, input: input(ask), store: false };
    if (ask.system) p['instructions'] = ask.system;
    // strict false: the matrix's schemas are not all strict-mode schemas (the SDK's default is true).
    if (ask.tools) p['tools'] = ask.tools.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: t.parameters, strict: false }));
    if (ask.maxTokens !== undefined) p['max_output_tokens'] = ask.maxTokens;
    if (ask.stop) throw new Error('the Responses API has no stop sequences');
    if (ask.json?.kind === 'object') p['text'] = { format: { type: 'json_object' } };
    if (ask.json?.kind === 'schema') p['text'] = { format: { type: 'json_schema', name: 'answer', schema: ask.json.schema, strict: true } };
    if (ask.reasoning) {
      p['reasoning'] = { effort: 'low', summary: 'auto' };
      p['include'] = ['reasoning.encrypted_content'];
    }
    if (ask.stream) p['stream'] = true;
    return { ...p, ...ask.extra };
  };

  const usageOf = (u: Json | null | undefined): ClientUsage => ({
    input: Number(u?.['input_tokens'] ?? 0),
    output: Number(u?.['output_tokens'] ?? 0),
    cached: Number((u?.['input_tokens_details'] as Json | undefined)?.['cached_tokens'] ?? 0),
    reasoning: Number((u?.['output_tokens_details'] as Json | undefined)?.['reasoning_tokens'] ?? 0),
  });

  /** The Responses API has no finish reason; status, incomplete_details and the items say it. */
  const finishOf = (r: Json): Finish | '' => {
    const output = (r['output'] ?? []) as Json[];
    if (r['status'] === 'incomplete') return (r['incomplete_details'] as Json | null)?.['reason'] === 'content_filter' ? 'content_filter' : 'length';
    if (r['status'] !== 'completed') return '';
    return output.some((o) => o['type'] === 'function_call') ? 'tool_calls' : 'stop';
  };

  const answerOf = (r: Json, headers: Headers, fragments: Map<string, number>): ClientAnswer => {
    const output = (r['output'] ?? []) as Json[];
    let text = '';
    let reasoning = '';
    const toolCalls: ClientToolCall[] = [];
    for (const o of output) {
      if (o['type'] === 'message') for (const c of (o['content'] ?? []) as Json[]) if (c['type'] === 'output_text') text += String(c['text']);
      if (o['type'] === 'reasoning') reasoning += ((o['summary'] ?? []) as Json[]).map((s) => String(s['text'])).join('');
      if (o['type'] === 'function_call') toolCalls.push({ id: String(o['call_id']), name: String(o['name']), args: parseArgs(String(o['arguments'])), fragments: fragments.get(String(o['id'])) ?? 1 });
    }
    // Sent back as received; `status` is an output field the API also takes on input items.
    return { text, reasoning, toolCalls, finish: finishOf(r), usage: usageOf(r['usage'] as Json | undefined), headers, replay: output };
  };

  async function chat(ask: Ask): Promise<ClientAnswer> {
    const body = params(ask) as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming;
    if (!ask.stream) {
      const r = await client.responses.create(body, { signal: ask.signal });
      return answerOf(r as unknown as Json, cap.last()?.headers ?? new Headers(), new Map());
    }
    const stream = await client.responses.create({ ...body, stream: true } as OpenAI.Responses.ResponseCreateParamsStreaming, { signal: ask.signal });
    const headers = cap.last()?.headers ?? new Headers();
    const fragments = new Map<string, number>();
    let final: Json | undefined;
    for await (const e of stream) {
      switch (e.type) {
        case 'response.output_text.delta':
          ask.onDelta?.();
          break;
        case 'response.function_call_arguments.delta':
          fragments.set(e.item_id, (fragments.get(e.item_id) ?? 0) + 1);
          ask.onDelta?.();
          break;
        case 'response.completed':
        case 'response.incomplete':
          final = e.response as unknown as Json;
          break;
        case 'response.failed':
          throw new ResponseFailed(e.response.error?.code, e.response.error?.message ?? 'response.failed');
        case 'error':
          throw new ResponseFailed(e.code ?? undefined, e.message);
        default:
          break;
      }
    }
    // An aborted stream ends quietly, without a final response.
    if (!final) return { text: '', reasoning: '', toolCalls: [], finish: '', usage: { input: 0, output: 0, cached: 0, reasoning: 0 }, headers, replay: [] };
    return answerOf(final, headers, fragments);
  }

  return {
    dialect: 'responses',
    chat,
    lastHeaders: () => cap.last()?.headers,
    errorOf(err) {
      if (err instanceof ResponseFailed) return { status: undefined, message: err.message, type: err.code, headers: undefined };
      if (err instanceof OpenAI.APIError) {
        const e = err.error as Json | undefined;
        return { status: err.status, message: String(e?.['message'] ?? err.message), type: e?.['type'] as string | undefined, headers: err.headers };
      }
      // The SDK throws on an unparseable SSE line.
      return { status: undefined, message: String(err), type: err instanceof Error ? err.name : undefined, headers: undefined };
    },
  };
}
