import { promptTokens } from './prompt-size';
import type { SimulatedFinishReason, SimulatedProvider, SimulatorScenario } from './simulator-scenario.types';

export const DEFAULT_CONTENT = 'Hello from the simulator.';
export const DEFAULT_CHUNKS = 4;
// Opaque but stable, so golden fixtures built on the simulator do not churn.
export const DEFAULT_SIGNATURE = 'c2ltdWxhdG9yLXJlYXNvbmluZy1zaWduYXR1cmU=';
// Tool arguments are streamed in a few fragments, like the providers do.
const ARGUMENT_CHUNKS = 3;

export interface PreparedToolCall {
  readonly id: string | undefined;
  readonly name: string;
  /** The arguments as sent on the wire (JSON text, or the scenario's verbatim string). */
  readonly json: string;
  readonly jsonChunks: readonly string[];
  /** Parsed arguments for wires that carry an object; the raw string when it does not parse. */
  readonly input: unknown;
}

/** The request-independent part of an answer, computed once per scenario object. */
export interface PreparedScenario {
  readonly scenario: SimulatorScenario;
  readonly content: string;
  readonly contentChunks: readonly string[];
  readonly reasoning: string;
  readonly reasoningChunks: readonly string[];
  readonly signature: string;
  readonly toolCalls: readonly PreparedToolCall[];
  readonly finishReason: SimulatedFinishReason;
  readonly defaultOutput: number;
  readonly defaultReasoning: number;
}

export interface ResolvedUsage {
  readonly input: number;
  readonly output: number;
  readonly cachedInput: number;
  readonly cacheWrite: number;
  readonly reasoning: number;
}

/** Which deployment of a provider's API answers: Azure OpenAI adds content-filter annotations. */
export type WireVariant = 'standard' | 'azure';

/** Everything a wire needs to render one answer. */
export interface SimulatedTurn {
  /** Per-simulator sequence number, used to mint ids. */
  readonly seq: number;
  readonly model: string;
  readonly body: unknown;
  readonly variant: WireVariant;
  readonly prepared: PreparedScenario;
  readonly usage: ResolvedUsage;
}

const prepared = new WeakMap<SimulatorScenario, PreparedScenario>();

/** Memoised per scenario object, so the default path does no text splitting per request. */
export function prepareScenario(scenario: SimulatorScenario): PreparedScenario {
  let result = prepared.get(scenario);
  if (!result) {
    result = computePrepared(scenario);
    prepared.set(scenario, result);
  }
  return result;
}

export function buildTurn(
  scenario: SimulatorScenario,
  provider: SimulatedProvider,
  model: string,
  body: unknown,
  seq: number,
  variant: WireVariant = 'standard',
): SimulatedTurn {
  const p = prepareScenario(scenario);
  const given = scenario.usage;
  const usage: ResolvedUsage = given
    ? {
        input: given.input,
        output: given.output,
        cachedInput: given.cachedInput ?? 0,
        cacheWrite: given.cacheWrite ?? 0,
        reasoning: given.reasoning ?? 0,
      }
    : {
        input: promptTokens(body, provider),
        output: p.defaultOutput,
        cachedInput: 0,
        cacheWrite: 0,
        reasoning: p.defaultReasoning,
      };
  return { seq, model, body, variant, prepared: p, usage };
}

// A blocked prompt gets no answer at all: wires that cannot say so send an empty filtered turn.
const BLOCKED: SimulatorScenario = Object.freeze({ content: '', finishReason: 'content_filter' });

function computePrepared(given: SimulatorScenario): PreparedScenario {
  const scenario = given.promptBlocked ? { ...given, ...BLOCKED, toolCalls: undefined, reasoning: undefined } : given;
  const toolCalls = (scenario.toolCalls ?? []).map((call): PreparedToolCall => {
    const json = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    return { id: call.id, name: call.name, json, jsonChunks: splitText(json, ARGUMENT_CHUNKS), input: parseOrRaw(json) };
  });
  const content = scenario.content ?? (toolCalls.length > 0 ? '' : DEFAULT_CONTENT);
  const reasoning = scenario.reasoning ?? '';
  const chunks = Math.max(1, scenario.chunks ?? DEFAULT_CHUNKS);
  const defaultReasoning = countWords(reasoning);
  const toolTokens = toolCalls.reduce((sum, call) => sum + Math.ceil(call.json.length / 4), 0);
  return {
    scenario,
    content,
    contentChunks: splitText(content, chunks),
    reasoning,
    reasoningChunks: splitText(reasoning, chunks),
    signature: scenario.reasoningSignature ?? DEFAULT_SIGNATURE,
    toolCalls,
    finishReason: scenario.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    defaultOutput: Math.max(1, countWords(content) + toolTokens + defaultReasoning),
    defaultReasoning,
  };
}

/**
 * Splits text into at most `parts` pieces that concatenate back to it exactly: on word
 * boundaries when there are enough words, otherwise on characters (code points).
 */
export function splitText(text: string, parts: number): string[] {
  if (text === '') return [];
  const words = wordsOf(text);
  if (words.length < parts && text.length > LONG_TEXT) return sliceText(text, parts);
  const units = words.length >= parts ? words : Array.from(text);
  const count = Math.min(parts, units.length);
  const pieces: string[] = [];
  for (let i = 0; i < count; i++) {
    const from = Math.floor((i * units.length) / count);
    const to = Math.floor(((i + 1) * units.length) / count);
    pieces.push(units.slice(from, to).join(''));
  }
  return pieces;
}

// Scripted answers of megabytes (the hardening tests' oversized upstream answers) are scanned by
// hand: a regular expression over one word of millions of characters overflows V8's backtrack
// stack, and an array of every character would cost tens of megabytes.
const LONG_TEXT = 64 * 1024;

/** The matches of `\s*\S+\s*` over the whole text (leading space joins the first word), or the whole text when it has no word. */
function wordsOf(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    const start = i;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i === text.length) break;
    while (i < text.length && !isSpace(text.charCodeAt(i))) i++;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    words.push(text.slice(start, i));
  }
  return words.length ? words : [text];
}

/** `parts` slices of a long text by position, never between the halves of a surrogate pair. */
function sliceText(text: string, parts: number): string[] {
  const pieces: string[] = [];
  let from = 0;
  for (let i = 1; i <= parts; i++) {
    let to = i === parts ? text.length : Math.floor((i * text.length) / parts);
    const code = text.charCodeAt(to - 1);
    if (to < text.length && code >= 0xd800 && code <= 0xdbff) to++;
    if (to > from) pieces.push(text.slice(from, to));
    from = to;
  }
  return pieces;
}

/** JavaScript's \s: ASCII and Unicode white space and line terminators. */
function isSpace(c: number): boolean {
  return (c >= 9 && c <= 13) || c === 32 || c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function countWords(text: string): number {
  let words = 0;
  for (let i = 0; i < text.length; ) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i === text.length) break;
    words++;
    while (i < text.length && !isSpace(text.charCodeAt(i))) i++;
  }
  return words;
}

function parseOrRaw(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
