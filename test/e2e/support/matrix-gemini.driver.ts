import { GoogleGenAI, type Content, type GenerateContentConfig, type GenerateContentResponse, type Part } from '@google/genai';
import { MATRIX_KEY } from './matrix-config';
import { type Ask, type ClientToolCall, type ClientUsage, type ClientAnswer, type ClientDriver, type Json, capturingFetch, jsonInMessage } from './matrix-client.types';

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
