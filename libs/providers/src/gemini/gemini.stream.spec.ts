import { ErrorKind, ResponseEvent, ResponseFolder } from '@switchyard/ir';
import { irFixtures, toIrJson } from '@switchyard/testing';
import { join } from 'node:path';
import { SseParser } from '../core/sse-parser';
import { UPSTREAM_FAULTS } from '../core/upstream-fault';
import { PROVIDERS } from '../registry';
import { GeminiStreamParser } from './gemini.stream';

const { readFixture, readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

/** Frames a recorded SSE body, runs every event through a fresh parser, then ends the body. */
function replay(sse: string): ResponseEvent[] {
  const sut = PROVIDERS.gemini.createStreamParser();
  const events = new SseParser().push(sse).flatMap((e) => sut.push(e));
  expect(sut.done).toBe(false);
  return [...events, ...(sut.finish?.() ?? [])];
}

const CHUNK = '{"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"index":0}],"modelVersion":"gemini-2.5-flash","responseId":"r1"}';

describe(GeminiStreamParser.name, () => {
  // thinking-tools: Gemini 3 thought, text fragments, parallel calls with ids, usage on every
  // chunk. text-signature: Gemini 2.5 whose signature arrives on an empty last text part.
  // prompt-blocked: one chunk with promptFeedback only. All framed with CRLF, as Gemini sends.
  it.each(['thinking-tools', 'text-signature', 'prompt-blocked'])('reads the recorded %s stream into the golden events', (name) => {
    expect(toIrJson(replay(readFixture(`stream.${name}.sse`)))).toStrictEqual(readJsonFixture(`stream.${name}.events.json`));
  });

  it('yields events that fold into the complete answer', () => {
    const folder = new ResponseFolder();
    for (const e of replay(readFixture('stream.thinking-tools.sse'))) folder.add(e);

    expect(folder.value.choices[0]).toMatchObject({
      text: 'Let me check both cities.',
      reasoning: '**Two forecasts**\n\nParis and Oslo, fetched in parallel.',
      toolCalls: [
        { id: 'a1b2c3d4', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
        { id: 'e5f6g7h8', name: 'get_weather', arguments: '{"city":"Oslo","unit":"celsius"}' },
      ],
    });
  });

  it('throws at the end of a body that never said why it stopped', () => {
    const sut = new GeminiStreamParser();
    for (const e of new SseParser().push(readFixture('stream.cut.sse'))) sut.push(e);

    expect(() => sut.finish()).toThrow('Gemini stream ended before candidate 0 had a finishReason: the answer was cut short');
  });

  it('throws at the end of an empty body', () => {
    expect(() => new GeminiStreamParser().finish()).toThrow('Gemini stream ended without a finishReason: the answer was cut short');
  });

  it('throws on a malformed JSON event', () => {
    const sut = new GeminiStreamParser();
    sut.push({ event: '', data: CHUNK });

    expect(() => sut.push({ event: '', data: '{"candidates": [{"content": {"parts": [{"text": ' })).toThrow(SyntaxError);
  });

  it('turns an error event mid-stream into a final error', () => {
    const sut = new GeminiStreamParser();
    const first = sut.push({ event: '', data: CHUNK });

    const events = sut.push({ event: '', data: '{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}' });

    expect(first).toHaveLength(2);
    expect(events).toStrictEqual<ResponseEvent[]>([
      {
        event: {
          $case: 'error',
          value: { kind: ErrorKind.ERROR_KIND_OVERLOADED, providerStatus: 503, message: UPSTREAM_FAULTS.overloaded.text, retryable: true, retryAfterMs: 0, param: '', attemptLog: [] },
        },
      },
    ]);
    expect(sut.done).toBe(true);
    expect(sut.finish()).toStrictEqual([]);
  });
});
