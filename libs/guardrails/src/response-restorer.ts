import type { ResponseEvent } from '@switchyard/ir';
import { PlaceholderRestorer } from './placeholder-restorer';

/**
 * The answer's events with the request's placeholders put back (`restore: true`): the text of
 * every choice and the arguments of every tool call, each through its own restorer so a
 * placeholder split across deltas is joined first. What a restorer holds back is released as
 * one more delta just before the choice's stop event, or before usage, an error or the end —
 * so every dialect's renderer, streaming or folding, sees ordinary events. Reasoning is not
 * restored: it is replayed to the provider with its signature, which must match what the
 * provider wrote.
 */
export async function* restoreResponse(events: AsyncIterable<ResponseEvent>, values: ReadonlyMap<string, string>): AsyncGenerator<ResponseEvent> {
  const texts = new Map<number, PlaceholderRestorer>();
  const tools = new Map<string, { restorer: PlaceholderRestorer; index: number; choice: number }>();
  for await (const ev of events) {
    const e = ev.event;
    switch (e?.$case) {
      case 'textDelta': {
        const d = e.value;
        let r = texts.get(d.choice);
        if (!r) texts.set(d.choice, (r = new PlaceholderRestorer(values)));
        const text = r.push(d.text);
        if (text === '' && !d.logprobsJson && !d.signature) continue;
        yield { event: { $case: 'textDelta', value: { ...d, text } } };
        continue;
      }
      case 'toolCallDelta': {
        const d = e.value;
        const key = `${d.choice}:${d.index}`;
        let t = tools.get(key);
        if (!t) tools.set(key, (t = { restorer: new PlaceholderRestorer(values, true), index: d.index, choice: d.choice }));
        const args = t.restorer.push(d.argumentsDelta);
        if (args === '' && !d.id && !d.name && !d.signature) continue;
        yield { event: { $case: 'toolCallDelta', value: { ...d, argumentsDelta: args } } };
        continue;
      }
      case 'stop':
        yield* flush(texts, tools, e.value.choice);
        break;
      case 'usage':
      case 'error':
        yield* flush(texts, tools, undefined);
        break;
      case 'start':
      case 'reasoningDelta':
      case undefined:
        break;
    }
    yield ev;
  }
  yield* flush(texts, tools, undefined);
}

/** The held-back text of one choice (or of all), as deltas. */
function* flush(texts: Map<number, PlaceholderRestorer>, tools: Map<string, { restorer: PlaceholderRestorer; index: number; choice: number }>, choice: number | undefined): Generator<ResponseEvent> {
  for (const [c, r] of texts) {
    if (choice !== undefined && c !== choice) continue;
    const text = r.flush();
    if (text) yield { event: { $case: 'textDelta', value: { text, choice: c, logprobsJson: '', signature: '' } } };
  }
  for (const t of tools.values()) {
    if (choice !== undefined && t.choice !== choice) continue;
    const args = t.restorer.flush();
    if (args) yield { event: { $case: 'toolCallDelta', value: { index: t.index, id: '', name: '', argumentsDelta: args, choice: t.choice, signature: '' } } };
  }
}
