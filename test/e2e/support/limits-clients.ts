import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';

// One call through each official SDK, read back into one shape — what the client saw: the HTTP
// status, the headers, the error type in the dialect's own words, and the SDK's error object (so
// a test can check its class). No retries anywhere: a 429 must reach the test, not be retried.

export type Dialect = 'openai' | 'anthropic' | 'gemini';
type Json = Record<string, unknown>;

export interface Outcome {
  status: number;
  headers: Headers;
  /** OpenAI error.type, Anthropic error.error.type, Gemini error.status; undefined on success. */
  type?: string;
  /** OpenAI error.code; Gemini error.code (the HTTP status, as a number). */
  code?: string | number | null;
  message?: string;
  /** The error body as the SDK exposes it (OpenAI: the inner `error` object; Anthropic and Gemini: the whole body). */
  body?: Json;
  /** What the SDK threw, for class checks. */
  error?: unknown;
}

export interface Ask {
  model: string;
  /** Output limit; omitted when undefined (Anthropic requires one: 16 then). */
  maxTokens?: number;
  text?: string;
}

export async function openAiCall(baseUrl: string, key: string, ask: Ask): Promise<Outcome> {
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: key, maxRetries: 0 });
  const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = { model: ask.model, messages: [{ role: 'user', content: ask.text ?? 'hi' }] };
  if (ask.maxTokens !== undefined) body.max_tokens = ask.maxTokens;
  try {
    const { response } = await client.chat.completions.create(body).withResponse();
    return { status: response.status, headers: response.headers };
  } catch (error) {
    if (!(error instanceof OpenAI.APIError) || error.status === undefined) throw error;
    const e = (error.error ?? {}) as Json;
    return { status: error.status, headers: error.headers ?? new Headers(), type: e['type'] as string, code: e['code'] as string | null, message: String(e['message']), body: e, error };
  }
}

/** `auth: 'bearer'` sends the key as `Authorization: Bearer` (authToken), else as `x-api-key`. */
export async function anthropicCall(baseUrl: string, key: string, ask: Ask, auth: 'x-api-key' | 'bearer' = 'x-api-key'): Promise<Outcome> {
  const client = new Anthropic({ baseURL: baseUrl, maxRetries: 0, ...(auth === 'bearer' ? { authToken: key, apiKey: null } : { apiKey: key }) });
  try {
    const { response } = await client.messages
      .create({ model: ask.model, max_tokens: ask.maxTokens ?? 16, messages: [{ role: 'user', content: ask.text ?? 'hi' }] })
      .withResponse();
    return { status: response.status, headers: response.headers };
  } catch (error) {
    if (!(error instanceof Anthropic.APIError) || error.status === undefined) throw error;
    const body = (error.error ?? {}) as Json;
    const e = (body['error'] ?? {}) as Json;
    return { status: error.status, headers: error.headers ?? new Headers(), type: e['type'] as string, message: String(e['message']), body, error };
  }
}

export async function geminiCall(baseUrl: string, key: string, ask: Ask): Promise<Outcome> {
  let last: Response | undefined;
  // Under Jest the SDK must be handed fetch (it does not find the global one); this one also keeps
  // the response, whose headers the SDK's ApiError does not carry.
  const capture: typeof fetch = async (input, init) => (last = await fetch(input, init));
  const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl, fetch: capture } });
  try {
    await ai.models.generateContent({ model: ask.model, contents: ask.text ?? 'hi', config: ask.maxTokens === undefined ? {} : { maxOutputTokens: ask.maxTokens } });
    return { status: last?.status ?? 0, headers: last?.headers ?? new Headers() };
  } catch (error) {
    const e = error as { name?: string; status?: number; message?: string };
    if (e?.name !== 'ApiError' || e.status === undefined) throw error;
    // The SDK puts the error body, as JSON, at the end of its message.
    const message = e.message ?? '';
    const body = JSON.parse(message.slice(message.indexOf('{'))) as Json;
    const inner = (body['error'] ?? {}) as Json;
    return { status: e.status, headers: last?.headers ?? new Headers(), type: inner['status'] as string, code: inner['code'] as number, message: String(inner['message']), body, error };
  }
}

export function callIn(dialect: Dialect, baseUrl: string, key: string, ask: Ask): Promise<Outcome> {
  switch (dialect) {
    case 'openai':
      return openAiCall(baseUrl, key, ask);
    case 'anthropic':
      return anthropicCall(baseUrl, key, ask);
    case 'gemini':
      return geminiCall(baseUrl, key, ask);
  }
}

/** A Gemini request with the key in the query string (`?key=`), as curl examples and REST clients send it. */
export async function geminiQueryKeyCall(baseUrl: string, key: string, model: string): Promise<Outcome> {
  const res = await fetch(`${baseUrl}/v1beta/models/${model}:generateContent?key=${encodeURIComponent(key)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
  });
  const body = (await res.json()) as Json;
  const inner = (body['error'] ?? {}) as Json;
  return { status: res.status, headers: res.headers, type: inner['status'] as string | undefined, message: inner['message'] as string | undefined, body };
}

/** Calls fired at once and collected as they land: `landed` is readable while others are still out. */
export interface Burst {
  readonly landed: Outcome[];
  readonly all: Promise<Outcome[]>;
}

export function burst(n: number, call: (i: number) => Promise<Outcome>): Burst {
  const landed: Outcome[] = [];
  const all = Promise.all(
    Array.from({ length: n }, (_, i) =>
      call(i).then((o) => {
        landed.push(o);
        return o;
      }),
    ),
  );
  return { landed, all };
}

export const countStatus = (outcomes: readonly Outcome[], status: number): number => outcomes.filter((o) => o.status === status).length;
