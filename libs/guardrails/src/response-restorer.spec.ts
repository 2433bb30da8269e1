import { FinishReason, type ResponseEvent } from '@switchyard/ir';
import { restoreResponse } from './response-restorer';

const values = new Map([
  ['[EMAIL_1]', 'jane@example.com'],
  ['[CARD_1]', '4111111111111111'],
]);

const text = (t: string, choice = 0): ResponseEvent => ({ event: { $case: 'textDelta', value: { text: t, choice, logprobsJson: '', signature: '' } } });
const tool = (args: string, index = 0): ResponseEvent => ({ event: { $case: 'toolCallDelta', value: { index, id: '', name: '', argumentsDelta: args, choice: 0, signature: '' } } });
const stop = (choice = 0): ResponseEvent => ({ event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, rawReason: '', choice, stopSequence: '' } } });
const usage: ResponseEvent = { event: { $case: 'usage', value: { inputTokens: 1, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } } };

async function* from(events: ResponseEvent[]): AsyncGenerator<ResponseEvent> {
  yield* events;
}

async function collect(events: ResponseEvent[]): Promise<ResponseEvent[]> {
  const out: ResponseEvent[] = [];
  for await (const ev of restoreResponse(from(events), values)) out.push(ev);
  return out;
}

/** The text of each choice, joined; and which event kinds came in which order. */
function texts(events: ResponseEvent[]): Record<number, string> {
  const out: Record<number, string> = {};
  for (const ev of events) if (ev.event?.$case === 'textDelta') out[ev.event.value.choice] = (out[ev.event.value.choice] ?? '') + ev.event.value.text;
  return out;
}

describe(restoreResponse.name, () => {
  it('joins a placeholder split over deltas before the stop event', async () => {
    const out = await collect([text('Hi [EM'), text('AIL'), text('_1], your card [CARD_'), text('1]'), stop(), usage]);
    expect(texts(out)).toEqual({ 0: 'Hi jane@example.com, your card 4111111111111111' });
    expect(out.map((e) => e.event?.$case)).toEqual(['textDelta', 'textDelta', 'textDelta', 'stop', 'usage']);
  });

  it('releases a held prefix that never completed, before the stop', async () => {
    const out = await collect([text('array [CARD'), stop()]);
    expect(texts(out)).toEqual({ 0: 'array [CARD' });
    expect(out.at(-1)?.event?.$case).toBe('stop');
  });

  it('keeps choices apart', async () => {
    const out = await collect([text('[EMA', 0), text('[CA', 1), text('IL_1]', 0), stop(0), text('RD_1]', 1), stop(1)]);
    expect(texts(out)).toEqual({ 0: 'jane@example.com', 1: '4111111111111111' });
  });

  it('restores tool call arguments as JSON text', async () => {
    const out = await collect([tool('{"to":"[EMAIL'), tool('_1]"}'), stop()]);
    const args = out.map((e) => (e.event?.$case === 'toolCallDelta' ? e.event.value.argumentsDelta : '')).join('');
    expect(JSON.parse(args)).toEqual({ to: 'jane@example.com' });
  });

  it('flushes at the end of a stream that has no stop event', async () => {
    expect(texts(await collect([text('x [EMAIL_1')]))).toEqual({ 0: 'x [EMAIL_1' });
    expect(texts(await collect([text('x [EMAIL_'), text('1]')]))).toEqual({ 0: 'x jane@example.com' });
  });
});
