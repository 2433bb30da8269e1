import { EmbedResponse, ResponseEvent } from '@switchyard/ir';
import { FUZZ_SEED, assertNoPollution, hostileString, hostileValue, mutate, mutationsOf, throughWire, toWire, wireMismatch } from '@switchyard/testing';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderAdapter, SseEvent } from './core/provider-adapter.types';
import { SseParser } from './core/sse-parser';
import { PROVIDERS } from './registry';

// Property-based fuzzing of the readers of upstream bytes (issue 10): the SSE framer and each
// provider's stream, JSON, embeddings, token-count and error readers. An upstream may be
// broken, hostile or cut anywhere. Whatever arrives, in whatever chunks, a reader returns IR
// events that cross the wire between services intact (error events included), or throws a plain
// Error or the SyntaxError of JSON.parse, which the adapter reports as a malformed upstream
// response (docs/architecture.md §1, adapter). Seeds are the providers' recorded fixtures.

const RUNS = { seed: FUZZ_SEED, numRuns: 200 };

type Family = 'openai' | 'anthropic' | 'gemini';
const FAMILIES: Family[] = ['openai', 'anthropic', 'gemini'];

function fixtures(family: Family, filter: (name: string) => boolean): { name: string; text: string }[] {
  const dir = join(__dirname, family, '__fixtures__');
  return readdirSync(dir)
    .filter(filter)
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

const streams = (f: Family, wire: Wire) => fixtures(f, (n) => n.endsWith('.sse') && ofWire(n, wire));
const responses = (f: Family, wire: Wire) => fixtures(f, (n) => /^response\.[^.]+\.json$/.test(n) && ofWire(n, wire)).map((x) => JSON.parse(x.text) as unknown);

// The openai adapter reads two wires; a Responses API answer is read as one when the request it
// answers says so (UpstreamHttpRequest.wire), and its fixtures are named `*.responses-*`.
type Wire = 'default' | 'responses';
const ofWire = (name: string, wire: Wire): boolean => name.includes('.responses-') === (wire === 'responses');
const RESPONSES_CALL = { url: 'https://api.openai.com/v1/responses', headers: {}, body: '{}', wire: 'responses' };
const RESPONSES_READER: ProviderAdapter = {
  manifest: PROVIDERS.openai.manifest,
  buildRequest: (request, target) => PROVIDERS.openai.buildRequest(request, target),
  parseResponse: (body) => PROVIDERS.openai.parseResponse(body, RESPONSES_CALL),
  createStreamParser: () => PROVIDERS.openai.createStreamParser(RESPONSES_CALL),
  mapError: (status, body, retryAfter) => PROVIDERS.openai.mapError(status, body, retryAfter),
};
const READERS: { label: string; family: Family; wire: Wire; adapter: ProviderAdapter }[] = [
  ...FAMILIES.map((family) => ({ label: family, family, wire: 'default' as const, adapter: PROVIDERS[family] as ProviderAdapter })),
  { label: 'openai Responses API', family: 'openai', wire: 'responses', adapter: RESPONSES_READER },
];

/** The documented failures of a reader: its own Error, or JSON.parse's SyntaxError. */
function documented(err: unknown): boolean {
  return err instanceof Error && (err.constructor === Error || err.constructor === SyntaxError);
}

interface Outcome {
  events: ResponseEvent[];
  error?: string;
}

/** Runs `read`, checking the contract; returns what it produced (or threw) for comparisons. */
function outcome(what: string, read: () => ResponseEvent[]): Outcome {
  let events: ResponseEvent[];
  try {
    events = read();
  } catch (err) {
    if (!documented(err)) throw new Error(`${what} threw ${(err as Error).name}: ${(err as Error).message}`);
    return { events: [], error: (err as Error).message };
  } finally {
    assertNoPollution();
  }
  for (const e of events) {
    const bad = wireMismatch(ResponseEvent, e);
    if (bad) throw new Error(`${what} produced an event that does not cross the wire: ${bad}; event: ${toWire(e).slice(0, 500)}`);
  }
  return { events };
}

/** Bytes → UTF-8 text (split characters kept for the next chunk) → SSE events → IR events, as the adapter reads a stream. */
function readStream(adapter: ProviderAdapter, chunks: Uint8Array[]): ResponseEvent[] {
  const sse = new SseParser();
  const parser = adapter.createStreamParser();
  const decoder = new TextDecoder();
  const out: ResponseEvent[] = [];
  for (const chunk of chunks) {
    for (const ev of sse.push(decoder.decode(chunk, { stream: true }))) out.push(...parser.push(ev));
    if (parser.done) return out;
  }
  if (parser.finish) out.push(...parser.finish());
  return out;
}

/** `bytes` cut at the given offsets. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of at) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  out.push(bytes.subarray(from));
  return out;
}

const cuts = fc.array(fc.nat(), { maxLength: 40 });

describe('SseParser under fuzzing', () => {
  const sseText = fc.array(fc.oneof(fc.constantFrom('data: ', 'data:', 'event: x', ':', '\n', '\r', '\r\n', '\n\n', 'data: {"a":1}', 'é', '\u{1F600}', '\u0000'), hostileString), { maxLength: 30 }).map((parts) => parts.join(''));

  it('frames the same events whatever the chunking, even between \\r and \\n or inside a UTF-8 character', () => {
    fc.assert(
      fc.property(sseText, cuts, (text, at) => {
        const bytes = new TextEncoder().encode(text);
        const whole = new SseParser().push(new TextDecoder().decode(bytes));
        const parser = new SseParser();
        const decoder = new TextDecoder();
        const pieces = split(bytes, at).flatMap((c) => parser.push(decoder.decode(c, { stream: true })));
        // A final lone \r waits for a \n that never comes, in both readings alike.
        expect(pieces).toStrictEqual(whole);
      }),
      RUNS,
    );
  });

  it('frames arbitrary bytes into events without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), cuts, (bytes, at) => {
        const parser = new SseParser();
        const decoder = new TextDecoder();
        for (const c of split(bytes, at)) for (const e of parser.push(decoder.decode(c, { stream: true }))) expect(typeof e.data).toBe('string');
      }),
      RUNS,
    );
  });
});

describe.each(READERS)('$label readers under fuzzing', ({ label, family, wire, adapter }) => {
  const recorded = streams(family, wire);
  // The recorded streams as SSE events, for event-level mutations.
  const recordedEvents: SseEvent[][] = recorded.map((s) => new SseParser().push(s.text));

  it.each(recorded.map((s) => s.name))('reads %s into the same events whatever the byte chunking', (name) => {
    const bytes = new TextEncoder().encode(recorded.find((s) => s.name === name)?.text ?? '');
    const whole = outcome(`${label} ${name}`, () => readStream(adapter, [bytes]));
    fc.assert(
      fc.property(cuts, (at) => {
        expect(outcome(`${label} ${name}`, () => readStream(adapter, split(bytes, at)))).toStrictEqual(whole);
      }),
      { ...RUNS, numRuns: 50 },
    );
  });

  it('reads arbitrary bytes as events or a documented error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), cuts, (bytes, at) => void outcome(`${label} stream`, () => readStream(adapter, split(bytes, at)))), RUNS);
  });

  it('reads streams whose events carry any JSON as events or a documented error', () => {
    const events = fc.array(fc.record({ event: fc.oneof(fc.constant(''), hostileString), data: hostileValue.map(toWire) }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(events, (list) => {
        void outcome(`${label} stream`, () => {
          const parser = adapter.createStreamParser();
          const out = list.flatMap((e) => parser.push(e));
          return parser.finish ? [...out, ...parser.finish()] : out;
        });
      }),
      RUNS,
    );
  });

  it('reads recorded streams with one event mutated as events or a documented error', () => {
    const mutated = fc
      .integer({ min: 0, max: recordedEvents.length - 1 })
      .chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: (recordedEvents[s] as SseEvent[]).length - 1 })))
      .chain(([s, i]) => {
        const list = recordedEvents[s] as SseEvent[];
        const target = list[i] as SseEvent;
        let parsed: unknown;
        try {
          parsed = JSON.parse(target.data);
        } catch {
          parsed = target.data;
        }
        return mutationsOf(parsed).map((m) => list.map((e, j) => (j === i ? { event: e.event, data: toWire(mutate(parsed, m)) } : e)));
      });
    fc.assert(
      fc.property(mutated, (list) => {
        void outcome(`${label} stream`, () => {
          const parser = adapter.createStreamParser();
          const out: ResponseEvent[] = [];
          for (const e of list) {
            out.push(...parser.push(e));
            if (parser.done) return out;
          }
          return parser.finish ? [...out, ...parser.finish()] : out;
        });
      }),
      RUNS,
    );
  });

  it('reads mutated JSON responses (and any JSON) as events or a documented error', () => {
    const seeds = responses(family, wire);
    const body = fc.oneof(
      hostileValue,
      fc.integer({ min: 0, max: seeds.length - 1 }).chain((i) => mutationsOf(seeds[i]).map((m) => mutate(seeds[i], m))),
    );
    fc.assert(fc.property(body, (b) => void outcome(`${label} response`, () => adapter.parseResponse(throughWire(b)))), RUNS);
  });

  it('maps any error answer (status, body, retry-after) to an IR error event', () => {
    const errorBodies = fixtures(family, (n) => n.startsWith('error') && n.endsWith('.json')).map((x) => x.text);
    const body = fc.oneof(hostileString, hostileValue.map(toWire), ...(errorBodies.length ? [fc.constantFrom(...errorBodies)] : []));
    const status = fc.oneof(fc.constantFrom(400, 401, 403, 404, 408, 409, 413, 429, 500, 502, 503, 504, 529), fc.integer({ min: 100, max: 999 }));
    const retryAfter = fc.option(fc.oneof(hostileString, fc.constantFrom('0', '-1', '1.5', '1e9', '9007199254740993', 'Wed, 21 Oct 2015 07:28:00 GMT')), { nil: undefined });
    fc.assert(
      fc.property(status, body, retryAfter, (s, b, r) => {
        void outcome(`${label} error`, () => [{ event: { $case: 'error', value: adapter.mapError(s, b, r) } }]);
      }),
      RUNS,
    );
  });

  if (adapter.parseEmbedResponse) {
    const parse = adapter.parseEmbedResponse.bind(adapter);
    it('reads any embeddings answer as a response or a documented error', () => {
      fc.assert(
        fc.property(hostileValue, (b) => {
          let answer: EmbedResponse | undefined;
          void outcome(`${label} embeddings`, () => {
            answer = parse(throughWire(b));
            return [];
          });
          const bad = answer && wireMismatch(EmbedResponse, answer);
          if (bad) throw new Error(`${label} embeddings produced a response that does not cross the wire: ${bad}`);
        }),
        RUNS,
      );
    });
  }

  if (adapter.parseCountTokensResponse) {
    const parse = adapter.parseCountTokensResponse.bind(adapter);
    it('reads any token-count answer as a count or a documented error', () => {
      fc.assert(
        fc.property(hostileValue, (b) => {
          let count: number | undefined;
          void outcome(`${label} count`, () => {
            count = parse(throughWire(b));
            return [];
          });
          if (count !== undefined && !(Number.isInteger(count) && count >= 0 && count <= 0xffff_ffff)) throw new Error(`${label} count is ${count}`);
        }),
        RUNS,
      );
    });
  }
});

// Counterexamples the properties above found, kept as plain cases: each was a TypeError (a
// reader failing in an undocumented way), an event the encoder between services refused, or an
// error mapper that threw instead of answering.
describe('counterexamples found by fuzzing', () => {
  const stream = (family: Family, ...data: string[]) => () => {
    const parser = PROVIDERS[family].createStreamParser();
    return data.flatMap((d) => parser.push({ event: '', data: d }));
  };
  const WEIRD = '{"toString":1,"valueOf":1}';

  it.each<[string, () => ResponseEvent[], string]>([
    ['an OpenAI stream event that is null', stream('openai', 'null'), 'the upstream stream event is not a JSON object'],
    ['OpenAI choices that are not a list', stream('openai', '{"choices":5}'), 'the upstream choices is not a list'],
    ['an OpenAI choice that is null', () => PROVIDERS.openai.parseResponse({ choices: [null] }), 'the upstream choices entry is not a JSON object'],
    ['an OpenAI response id that is not a string', () => PROVIDERS.openai.parseResponse({ id: false, choices: [] }), 'the upstream answer has a malformed start (id: boolean)'],
    ['an Anthropic stream event that is null', stream('anthropic', 'null'), 'the upstream stream event is not a JSON object'],
    ['Anthropic output tokens that are true', () => PROVIDERS.anthropic.parseResponse({ content: [], usage: { output_tokens: true } }), 'the upstream answer has a malformed usage (outputTokens: boolean)'],
    ['Anthropic input tokens that cannot be added', () => PROVIDERS.anthropic.parseResponse({ content: [], usage: { input_tokens: JSON.parse(WEIRD) } }), 'the upstream input_tokens is not a number'],
    ['a Gemini candidate that is null', stream('gemini', '{"candidates":[null]}'), 'the upstream candidates entry is not a JSON object'],
    ['a Gemini candidate index that cannot be sorted', stream('gemini', '{"candidates":[{"index":[{"toString":null}]}]}'), 'the upstream candidate index is not a number'],
    ['a Gemini finish reason that is a list', () => PROVIDERS.gemini.parseResponse({ candidates: [{ index: 1, finishReason: [] }] }), 'the upstream answer has a malformed stop (rawReason: object)'],
  ])('%s is a malformed answer (a plain Error)', (_case, read, message) => {
    expect(read).toThrow(new Error(message));
  });

  it.each(FAMILIES)('%s: a Retry-After of 1e9 seconds is capped at a day (it did not fit the uint32 event field)', (family) => {
    const event = PROVIDERS[family].mapError(429, '', '1e9');
    expect(event.retryAfterMs).toBe(86_400_000);
    expect(wireMismatch(ResponseEvent, { event: { $case: 'error', value: event } })).toBeUndefined();
  });

  it.each<[Family, string]>([
    ['gemini', '{"error":{"status":"INVALID_ARGUMENT","details":5}}'],
    ['gemini', `{"error":{"code":"x","message":${WEIRD},"status":"UNAVAILABLE","details":[null,{"@type":7}]}}`],
    ['openai', `{"error":{"message":${WEIRD}}}`],
    ['anthropic', `{"error":{"type":"constructor","message":${WEIRD}}}`],
  ])('%s: the error body %s still maps to an error event', (family, body) => {
    const event = PROVIDERS[family].mapError(503, body, undefined);
    expect(event).toStrictEqual(expect.objectContaining({ providerStatus: 503, message: expect.any(String) }));
    expect(wireMismatch(ResponseEvent, { event: { $case: 'error', value: event } })).toBeUndefined();
  });

  it('an Anthropic usage key __proto__ does not replace the usage object', () => {
    const events = stream('anthropic', '{"type":"message_start","message":{"id":"m","usage":{"input_tokens":3}}}', '{"type":"message_delta","delta":{},"usage":{"__proto__":{"input_tokens":1000}}}')();
    expect(events.at(-1)?.event).toStrictEqual({ $case: 'usage', value: expect.objectContaining({ inputTokens: 3 }) });
  });
});
