import type { RecordedRequest } from '@switchyard/testing';

// What an upstream received, read back from the simulator's recording into one shape for the
// three wire formats, so a matrix cell asserts "the tool result reached the upstream paired
// with its call" once instead of three times. Only reads; every field keeps the upstream's
// own values (ids, signatures, schemas) for exact comparison.

type Json = Record<string, unknown>;

export type UpstreamImage = { url: string } | { base64: string; mediaType: string };

export interface UpstreamToolCall {
  id: string | undefined;
  name: string;
  args: unknown;
  /** Gemini thoughtSignature on the functionCall part. */
  signature: string | undefined;
}

export interface UpstreamTurn {
  role: 'user' | 'assistant' | 'tool';
  texts: string[];
  images: UpstreamImage[];
  toolCalls: UpstreamToolCall[];
  toolResults: { id: string | undefined; name: string | undefined; content: string }[];
  /** Thinking blocks given back (Anthropic), with their signatures. */
  reasoning: { text: string; signature: string | undefined }[];
}

export interface UpstreamView {
  model: string;
  stream: boolean;
  system: string;
  turns: UpstreamTurn[];
  maxTokens: unknown;
  stop: unknown;
  json: { kind: 'object' } | { kind: 'schema'; schema: unknown } | undefined;
  tools: string[];
  reasoningOn: boolean;
  body: Json;
}

const turn = (role: UpstreamTurn['role']): UpstreamTurn => ({ role, texts: [], images: [], toolCalls: [], toolResults: [], reasoning: [] });
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : arr(content).map((b) => (typeof b['text'] === 'string' ? b['text'] : JSON.stringify(b))).join('');

function dataUrl(url: string): UpstreamImage {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m ? { mediaType: m[1] as string, base64: m[2] as string } : { url };
}

export function upstreamView(req: RecordedRequest): UpstreamView {
  const body = obj(req.body);
  switch (req.provider) {
    case 'openai':
      if (req.path.endsWith('/responses')) return responsesView(body);
      return openAiView(body, req);
    case 'anthropic':
      return anthropicView(body);
    case 'gemini':
      return geminiView(body, req);
  }
}

function openAiView(body: Json, req: RecordedRequest): UpstreamView {
  const system: string[] = [];
  const turns: UpstreamTurn[] = [];
  for (const m of arr(body['messages'])) {
    const role = m['role'];
    if (role === 'system' || role === 'developer') {
      system.push(textOf(m['content']));
      continue;
    }
    if (role === 'tool') {
      const last = turns[turns.length - 1];
      const t = last?.role === 'tool' ? last : turns[turns.push(turn('tool')) - 1];
      t.toolResults.push({ id: String(m['tool_call_id']), name: undefined, content: textOf(m['content']) });
      continue;
    }
    const t = turn(role === 'assistant' ? 'assistant' : 'user');
    if (typeof m['content'] === 'string') t.texts.push(m['content']);
    for (const p of arr(m['content'])) {
      if (p['type'] === 'text') t.texts.push(String(p['text']));
      if (p['type'] === 'image_url') t.images.push(dataUrl(String(obj(p['image_url'])['url'])));
    }
    for (const c of arr(m['tool_calls'])) {
      const fn = obj(c['function']);
      t.toolCalls.push({ id: String(c['id']), name: String(fn['name']), args: JSON.parse(String(fn['arguments'])), signature: undefined });
    }
    if (typeof m['reasoning_content'] === 'string') t.reasoning.push({ text: m['reasoning_content'], signature: undefined });
    turns.push(t);
  }
  const rf = obj(body['response_format']);
  return {
    // Azure's dated API versions name the deployment in the path, not in the body.
    model: String(body['model'] ?? decodeURIComponent(/\/deployments\/([^/]+)\//.exec(req.path)?.[1] ?? '')),
    stream: body['stream'] === true,
    system: system.join('\n'),
    turns,
    maxTokens: body['max_completion_tokens'] ?? body['max_tokens'],
    stop: body['stop'],
    json: rf['type'] === 'json_object' ? { kind: 'object' } : rf['type'] === 'json_schema' ? { kind: 'schema', schema: obj(rf['json_schema'])['schema'] } : undefined,
    tools: arr(body['tools']).map((t) => String(obj(t['function'])['name'])),
    reasoningOn: body['reasoning_effort'] !== undefined,
    body,
  };
}

/** OpenAI's Responses API: `instructions` and system messages, then input items. */
function responsesView(body: Json): UpstreamView {
  const system: string[] = typeof body['instructions'] === 'string' ? [body['instructions']] : [];
  const turns: UpstreamTurn[] = [];
  const current = (role: UpstreamTurn['role']): UpstreamTurn => {
    const last = turns[turns.length - 1];
    return last?.role === role ? last : turns[turns.push(turn(role)) - 1];
  };
  for (const item of arr(body['input'])) {
    const type = item['type'] ?? 'message';
    if (type === 'function_call_output') current('tool').toolResults.push({ id: String(item['call_id']), name: undefined, content: textOf(item['output']) });
    else if (type === 'function_call') current('assistant').toolCalls.push({ id: String(item['call_id']), name: String(item['name']), args: JSON.parse(String(item['arguments'])), signature: undefined });
    else if (type === 'reasoning') current('assistant').reasoning.push({ text: arr(item['summary']).map((p) => String(p['text'])).join(''), signature: item['encrypted_content'] as string | undefined });
    else if (type === 'message') {
      const role = item['role'];
      if (role === 'system' || role === 'developer') {
        system.push(textOf(item['content']));
        continue;
      }
      // Each message item is a turn of its own, but an assistant message joins the reasoning
      // item before it, and the function calls after it join the message: one assistant turn.
      const last = turns[turns.length - 1];
      const joins = role === 'assistant' && last?.role === 'assistant' && last.texts.length === 0 && last.toolCalls.length === 0;
      const t = joins ? last : turn(role === 'assistant' ? 'assistant' : 'user');
      if (!joins) turns.push(t);
      if (typeof item['content'] === 'string') t.texts.push(item['content']);
      for (const p of arr(item['content'])) {
        if (p['type'] === 'input_text' || p['type'] === 'output_text') t.texts.push(String(p['text']));
        if (p['type'] === 'input_image') t.images.push(dataUrl(String(p['image_url'])));
      }
    }
  }
  const format = obj(obj(body['text'])['format']);
  return {
    model: String(body['model']),
    stream: body['stream'] === true,
    system: system.join('\n'),
    turns,
    maxTokens: body['max_output_tokens'],
    stop: body['stop'],
    json: format['type'] === 'json_object' ? { kind: 'object' } : format['type'] === 'json_schema' ? { kind: 'schema', schema: format['schema'] } : undefined,
    tools: arr(body['tools']).map((t) => String(t['name'])),
    reasoningOn: body['reasoning'] !== undefined && obj(body['reasoning'])['effort'] !== 'none',
    body,
  };
}

function anthropicView(body: Json): UpstreamView {
  const turns: UpstreamTurn[] = [];
  for (const m of arr(body['messages'])) {
    const blocks = typeof m['content'] === 'string' ? [{ type: 'text', text: m['content'] }] : arr(m['content']);
    const results = blocks.filter((b) => b['type'] === 'tool_result');
    if (results.length) {
      const t = turn('tool');
      for (const r of results) t.toolResults.push({ id: String(r['tool_use_id']), name: undefined, content: textOf(r['content']) });
      turns.push(t);
    }
    const rest = blocks.filter((b) => b['type'] !== 'tool_result');
    if (!rest.length) continue;
    const t = turn(m['role'] === 'assistant' ? 'assistant' : 'user');
    for (const b of rest) {
      if (b['type'] === 'text') t.texts.push(String(b['text']));
      if (b['type'] === 'image') {
        const s = obj(b['source']);
        t.images.push(s['type'] === 'url' ? { url: String(s['url']) } : { base64: String(s['data']), mediaType: String(s['media_type']) });
      }
      if (b['type'] === 'tool_use') t.toolCalls.push({ id: String(b['id']), name: String(b['name']), args: b['input'], signature: undefined });
      if (b['type'] === 'thinking') t.reasoning.push({ text: String(b['thinking']), signature: b['signature'] as string | undefined });
      if (b['type'] === 'redacted_thinking') t.reasoning.push({ text: '', signature: `redacted:${String(b['data'])}` });
    }
    turns.push(t);
  }
  const format = obj(obj(body['output_config'])['format']);
  const thinking = obj(body['thinking']);
  return {
    model: String(body['model']),
    stream: body['stream'] === true,
    system: textOf(body['system'] ?? ''),
    turns,
    maxTokens: body['max_tokens'],
    stop: body['stop_sequences'],
    json: format['type'] === 'json_schema' ? { kind: 'schema', schema: format['schema'] } : undefined,
    tools: arr(body['tools']).map((t) => String(t['name'])),
    reasoningOn: thinking['type'] === 'enabled' || thinking['type'] === 'adaptive',
    body,
  };
}

function geminiView(body: Json, req: RecordedRequest): UpstreamView {
  const turns: UpstreamTurn[] = [];
  for (const c of arr(body['contents'])) {
    const parts = arr(c['parts']);
    const responses = parts.filter((p) => p['functionResponse'] !== undefined);
    if (responses.length) {
      const t = turn('tool');
      for (const p of responses) {
        const fr = obj(p['functionResponse']);
        t.toolResults.push({ id: fr['id'] as string | undefined, name: String(fr['name']), content: JSON.stringify(fr['response']) });
      }
      turns.push(t);
    }
    const rest = parts.filter((p) => p['functionResponse'] === undefined);
    if (!rest.length) continue;
    const t = turn(c['role'] === 'model' ? 'assistant' : 'user');
    for (const p of rest) {
      const signature = p['thoughtSignature'] as string | undefined;
      if (p['functionCall']) {
        const fc = obj(p['functionCall']);
        t.toolCalls.push({ id: fc['id'] as string | undefined, name: String(fc['name']), args: fc['args'], signature });
      } else if (p['thought'] === true) t.reasoning.push({ text: String(p['text'] ?? ''), signature });
      else if (typeof p['text'] === 'string') t.texts.push(p['text']);
      else if (p['inlineData']) t.images.push({ base64: String(obj(p['inlineData'])['data']), mediaType: String(obj(p['inlineData'])['mimeType']) });
      else if (p['fileData']) t.images.push({ url: String(obj(p['fileData'])['fileUri']) });
    }
    turns.push(t);
  }
  const config = obj(body['generationConfig']);
  const schema = config['responseJsonSchema'] ?? config['responseSchema'];
  const thinking = obj(config['thinkingConfig']);
  const model = /\/models\/([^/:]+):/.exec(req.path)?.[1] ?? '';
  return {
    model,
    stream: req.path.endsWith(':streamGenerateContent') && req.query['alt'] === 'sse',
    system: arr(obj(body['systemInstruction'])['parts']).map((p) => String(p['text'] ?? '')).join('\n'),
    turns,
    maxTokens: config['maxOutputTokens'],
    stop: config['stopSequences'],
    json: config['responseMimeType'] !== 'application/json' ? undefined : schema === undefined ? { kind: 'object' } : { kind: 'schema', schema },
    tools: arr(body['tools']).flatMap((t) => arr(t['functionDeclarations']).map((f) => String(f['name']))),
    reasoningOn: config['thinkingConfig'] !== undefined && thinking['thinkingBudget'] !== 0,
    body,
  };
}
