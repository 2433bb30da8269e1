// One driver per client dialect, each speaking through that dialect's official SDK, so a cell
// of the matrix is written once ("ask for a tool call, send the result back") and every SDK
// runs it. Answers are normalised to one shape; `replay` keeps the assistant turn exactly as
// the SDK received it, so signatures travel back the way a real client sends them.

/** The client dialects: OpenAI Chat Completions, Anthropic, Gemini, and OpenAI's Responses API. */
export type ClientDialect = 'openai' | 'anthropic' | 'gemini' | 'responses';
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


export type Json = Record<string, unknown>;

/** A fetch that remembers the last response, so headers can be read whatever the SDK exposes. */
export function capturingFetch(): { fetch: typeof fetch; last(): Response | undefined } {
  let last: Response | undefined;
  return {
    fetch: async (input, init) => {
      last = await fetch(input, init);
      return last;
    },
    last: () => last,
  };
}

export function parseArgs(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return `UNPARSEABLE:${json}`;
  }
}

export function jsonInMessage(message: string): Json | undefined {
  const at = message.indexOf('{');
  if (at < 0) return undefined;
  try {
    return JSON.parse(message.slice(at)) as Json;
  } catch {
    return undefined;
  }
}

