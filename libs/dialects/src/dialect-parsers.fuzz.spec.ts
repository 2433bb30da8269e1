import { ChatRequest, EmbedRequest, ErrorKind, IrError, chatRequestSize, embedRequestSize } from '@switchyard/ir';
import { PROVIDERS, type ProviderAdapter, type UpstreamTarget } from '@switchyard/providers';
import { FUZZ_SEED, assertNoPollution, hostileString, hostileValue, mutate, mutationsOf, pathsOf, throughWire, toWire, wireMismatch } from '@switchyard/testing';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AnthropicMessagesDialect } from './anthropic/anthropic-messages.dialect';
import type { PathParams } from './dialect.types';
import { GeminiDialect } from './gemini/gemini.dialect';
import { OpenAiChatDialect } from './openai/openai-chat.dialect';
import { OpenAiEmbeddingsDialect } from './openai/openai-embeddings.dialect';
import { OpenAiResponsesDialect } from './responses/responses.dialect';
import type { ResponsesCall } from './responses/responses.parse';

// Property-based fuzzing of every client dialect parser (issue 10): whatever JSON a client
// sends, a parser either returns an IR request that crosses the wire intact, or throws IrError
// of the invalid-request kind (a 400 in the client's dialect). Never another exception (a 500),
// never a write to Object.prototype, never a hang. Seeds are the dialects' own golden request
// fixtures, mutated field by field with wrong types, extreme numbers, hostile strings
// (lone surrogates, NUL, prototype names), deep nesting and polluting keys.

const RUNS = { seed: FUZZ_SEED, numRuns: 300 };
/** Generous: a parse takes well under a millisecond; only a runaway loop or regex takes this long. */
const SLOW_MS = 1_000;

const openai = new OpenAiChatDialect();
const embeddings = new OpenAiEmbeddingsDialect();
const anthropic = new AnthropicMessagesDialect();
const gemini = new GeminiDialect();
const responses = new OpenAiResponsesDialect();

/** Deep enough to overflow the stack of any recursive walk (JSON.stringify's included). */
const DEEP = 100_000;
const MARK = 'deep-value-mark-7f3a';

const GEMINI_CHAT: PathParams = { model: 'models/gemini-2.5-flash', stream: false };
const GEMINI_EMBED = { model: 'models/gemini-embedding-001', batch: false };
const GEMINI_BATCH = { model: 'gemini-embedding-001', batch: true };

function requestFixtures(dir: string, filter = (name: string) => name.endsWith('.request.json')): unknown[] {
  const at = join(__dirname, dir, '__fixtures__');
  return readdirSync(at)
    .filter(filter)
    .sort()
    .map((name) => JSON.parse(readFileSync(join(at, name), 'utf8')) as unknown);
}

interface Target {
  name: string;
  seeds: unknown[];
  parse(body: unknown): unknown;
  /** The IR message inside what the parser returned, and how to put it on the wire. */
  check(parsed: unknown): string | undefined;
  /** What the next hops make of an accepted request; undefined when they hold. */
  next?(parsed: unknown): string | undefined;
}

const chat = (parsed: unknown) => wireMismatch(ChatRequest, parsed as ChatRequest);
const embed = (parsed: unknown) => wireMismatch(EmbedRequest, (parsed as { request: EmbedRequest }).request);

const EMBED_SEEDS = [
  { model: 'text-embedding-3-small', input: ['Paris', 'Rome'], dimensions: 8, encoding_format: 'base64', user: 'u-1' },
  { model: 'text-embedding-3-small', input: [[1, 2, 3], [4]] },
  { model: 'text-embedding-3-small', input: [5, 6, 7], encoding_format: 'float' },
];
const BATCH_SEED = {
  requests: [
    { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, taskType: 'RETRIEVAL_QUERY', title: 't', outputDimensionality: 8 },
    { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }, { text: 'c' }] }, taskType: 'RETRIEVAL_QUERY', title: 't', outputDimensionality: 8 },
  ],
};

const anthropicSeeds = requestFixtures('anthropic');
const geminiChatSeeds = requestFixtures('gemini', (n) => n.endsWith('.request.json') && !n.startsWith('embed') && !n.startsWith('count'));

const TARGETS: Target[] = [
  { name: 'OpenAI chat', seeds: requestFixtures('openai'), parse: (b) => openai.parseRequest(b), check: chat, next: (p) => nextHopsOfChat(p) },
  { name: 'OpenAI embeddings', seeds: EMBED_SEEDS, parse: (b) => embeddings.parseEmbedRequest(b), check: embed, next: nextHopsOfEmbed },
  { name: 'Anthropic messages', seeds: anthropicSeeds, parse: (b) => anthropic.parseRequest(b), check: chat, next: (p) => nextHopsOfChat(p) },
  {
    name: 'Anthropic count_tokens',
    // The prompt half of a create body: what count_tokens accepts.
    seeds: anthropicSeeds.map((s) => pick(s, ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking'])),
    parse: (b) => anthropic.parseCountTokens(b),
    check: chat,
    next: (p) => nextHopsOfChat(p, true),
  },
  { name: 'Gemini generateContent', seeds: geminiChatSeeds, parse: (b) => gemini.parseRequest(b, GEMINI_CHAT), check: chat, next: (p) => nextHopsOfChat(p) },
  {
    name: 'Gemini countTokens',
    seeds: [...requestFixtures('gemini', (n) => n.startsWith('count') && n.endsWith('.request.json')), ...geminiChatSeeds.map((s) => pick(s, ['contents']))],
    parse: (b) => gemini.parseCountTokens(b, GEMINI_CHAT),
    check: chat,
    next: (p) => nextHopsOfChat(p, true),
  },
  { name: 'Gemini embedContent', seeds: requestFixtures('gemini', (n) => n.startsWith('embed') && n.endsWith('.request.json')), parse: (b) => gemini.parseEmbedRequest(b, GEMINI_EMBED), check: embed, next: nextHopsOfEmbed },
  { name: 'Gemini batchEmbedContents', seeds: [BATCH_SEED], parse: (b) => gemini.parseEmbedRequest(b, GEMINI_BATCH), check: embed, next: nextHopsOfEmbed },
  { name: 'OpenAI responses', seeds: requestFixtures('responses'), parse: (b) => responses.parseRequest(b), check: (p) => chat((p as ResponsesCall).chat), next: (p) => nextHopsOfChat((p as ResponsesCall).chat) },
];

function pick(o: unknown, keys: string[]): unknown {
  const src = o as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => src[k] !== undefined).map((k) => [k, src[k]]));
}

/** Parses, and says why the outcome breaks the contract (undefined when it holds). */
function violation(target: Target, body: unknown): string | undefined {
  const started = performance.now();
  let parsed: unknown;
  try {
    parsed = target.parse(body);
  } catch (err) {
    if (!(err instanceof IrError)) return `threw ${(err as Error).name}: ${(err as Error).message}`;
    if (err.kind !== ErrorKind.ERROR_KIND_INVALID_REQUEST) return `threw IrError of kind ${err.kind}`;
    parsed = undefined;
  } finally {
    assertNoPollution();
  }
  const ms = performance.now() - started;
  if (ms > SLOW_MS) return `took ${Math.round(ms)} ms`;
  if (parsed === undefined) return undefined;
  const bad = target.check(parsed);
  if (bad) return `returned an IR request that does not cross the wire: ${bad}`;
  return target.next?.(parsed);
}

// The next hops of an accepted request: its size estimate at admission, and every provider's
// translation (which may refuse with IrError, a 400 naming the field, but nothing else).
const TARGET: UpstreamTarget = { baseUrl: 'https://upstream.example', apiKey: 'sk-upstream', upstreamModel: 'm', options: {} };
const VENDORS = ['generic', 'deepseek', 'qwen', 'ernie', 'moonshot', 'vllm', 'ollama'];

function translated(what: string, build: () => unknown): string | undefined {
  try {
    build();
  } catch (err) {
    if (!(err instanceof IrError)) return `${what} threw ${(err as Error).name}: ${(err as Error).message}`;
  }
  return undefined;
}

function nextHopsOfChat(parsed: unknown, counting = false): string | undefined {
  const chat = parsed as ChatRequest;
  const size = translated('chatRequestSize', () => chatRequestSize(chat));
  if (size) return size;
  for (const [id, adapter] of Object.entries(PROVIDERS) as [string, ProviderAdapter][]) {
    const targets = id === 'openai-compatible' ? VENDORS.map((vendor) => ({ ...TARGET, options: { vendor } })) : [TARGET];
    for (const t of targets) {
      const why =
        translated(`${id} buildRequest`, () => adapter.buildRequest(structuredClone(chat), t)) ??
        (counting && adapter.buildCountTokensRequest ? translated(`${id} buildCountTokensRequest`, () => adapter.buildCountTokensRequest?.(structuredClone(chat), t)) : undefined);
      if (why) return why;
    }
  }
  return undefined;
}

function nextHopsOfEmbed(parsed: unknown): string | undefined {
  const request = (parsed as { request: EmbedRequest }).request;
  const size = translated('embedRequestSize', () => embedRequestSize(request));
  if (size) return size;
  for (const [id, adapter] of Object.entries(PROVIDERS) as [string, ProviderAdapter][]) {
    const why = adapter.buildEmbedRequest && translated(`${id} buildEmbedRequest`, () => adapter.buildEmbedRequest?.(structuredClone(request), TARGET));
    if (why) return why;
  }
  return undefined;
}

function holds(target: Target, body: unknown): void {
  const why = violation(target, body);
  // The body in the message: fast-check's own print of a counterexample loses `__proto__` keys.
  if (why) throw new Error(`${target.name} ${why}; body: ${toWire(body).slice(0, 2_000)}`);
}

describe('dialect parsers under fuzzing', () => {
  describe.each(TARGETS.map((t) => [t.name, t] as const))('%s', (_name, target) => {
    it('has seeds the parser accepts (else the mutations test little)', () => {
      expect(target.seeds.length).toBeGreaterThan(0);
      for (const seed of target.seeds) expect(() => target.parse(throughWire(seed))).not.toThrow();
    });

    it('answers any JSON value with an IR request or an invalid-request IrError', () => {
      fc.assert(fc.property(hostileValue, (body) => holds(target, throughWire(body))), RUNS);
    });

    it('answers structured mutations of valid requests with an IR request or an invalid-request IrError', () => {
      const mutated = fc.integer({ min: 0, max: target.seeds.length - 1 }).chain((i) => mutationsOf(target.seeds[i]).map((m) => mutate(target.seeds[i], m)));
      fc.assert(fc.property(mutated, (body) => holds(target, throughWire(body))), RUNS);
    });

    it('answers a value nested 100,000 levels deep, wherever it stands, with an invalid-request IrError', () => {
      const deep = fc.constantFrom(`${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`, `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`);
      const placed = fc.integer({ min: 0, max: target.seeds.length - 1 }).chain((i) => {
        const seed = target.seeds[i];
        return fc.tuple(fc.constantFrom(...pathsOf(seed).filter((p) => p.length > 0)), deep).map(([path, text]) => {
          const wire = toWire(mutate(seed, [{ path, op: 'replace', key: '', value: MARK }]));
          return wire.replace(`"${MARK}"`, text);
        });
      });
      fc.assert(
        fc.property(placed, (text) => {
          expect(text.length).toBeGreaterThan(2 * DEEP);
          const body: unknown = JSON.parse(text);
          expect(() => target.parse(body)).toThrow(expect.objectContaining({ name: 'IrError', kind: ErrorKind.ERROR_KIND_INVALID_REQUEST }));
        }),
        { ...RUNS, numRuns: 10 },
      );
    });
  });

  describe('Gemini path parameters', () => {
    const seed = geminiChatSeeds[0];
    const body = throughWire(seed);
    const embedBody = throughWire(requestFixtures('gemini', (n) => n.startsWith('embed') && n.endsWith('.request.json'))[0]);
    it('answers any model name from the URL with an IR request or an invalid-request IrError', () => {
      fc.assert(
        fc.property(hostileString, fc.boolean(), (model, stream) => {
          holds({ ...TARGETS[4], parse: (b) => gemini.parseRequest(b, { model, stream }) } as Target, body);
          holds({ ...TARGETS[5], parse: (b) => gemini.parseCountTokens(b, { model }) } as Target, body);
          holds({ ...TARGETS[6], parse: (b) => gemini.parseEmbedRequest(b, { model }) } as Target, embedBody);
        }),
        RUNS,
      );
    });
  });
});
