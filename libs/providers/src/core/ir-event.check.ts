import type { ResponseEvent } from '@switchyard/ir';
import type { ProviderStreamParser, SseEvent } from './provider-adapter.types';

// Upstream JSON is typed by a cast, not by being checked: a field documented as a string may
// arrive as a number, a token count as `true`, a string or -1. The IR carries strings, booleans,
// enums and uint32 counts; an event holding anything else fails to encode between services
// (cluster mode) or reaches billing as nonsense (standalone). So every event a reader produced
// is checked here, once, by field kind; a mistyped field makes the whole answer malformed (a
// plain Error, which the adapter reports like unparseable JSON). Found by the fuzz suite.

type FieldKind = 'string' | 'count' | 'boolean' | 'enum';

const FIELDS: Readonly<Record<string, Readonly<Record<string, FieldKind>>>> = {
  start: { id: 'string', model: 'string', upstreamModel: 'string' },
  textDelta: { text: 'string', choice: 'count', logprobsJson: 'string', signature: 'string' },
  toolCallDelta: { index: 'count', id: 'string', name: 'string', argumentsDelta: 'string', choice: 'count', signature: 'string' },
  reasoningDelta: { text: 'string', signature: 'string', redactedData: 'string', choice: 'count', itemId: 'string' },
  stop: { reason: 'enum', rawReason: 'string', choice: 'count', stopSequence: 'string' },
  usage: { inputTokens: 'count', outputTokens: 'count', cachedInputTokens: 'count', reasoningTokens: 'count', cacheCreationInputTokens: 'count' },
  error: { kind: 'enum', providerStatus: 'count', message: 'string', retryable: 'boolean', retryAfterMs: 'count', param: 'string' },
};

function fits(v: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'count':
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff;
    case 'enum':
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0x7fff_ffff;
  }
}

/** The events, after checking every field a reader sets; throws on the first mistyped one. */
export function checkedEvents(events: ResponseEvent[]): ResponseEvent[] {
  for (const { event } of events) {
    if (!event) continue;
    const fields = FIELDS[event.$case] ?? {};
    const value = event.value as unknown as Record<string, unknown>;
    for (const name of Object.keys(fields)) {
      const v = value[name];
      if (v !== undefined && !fits(v, fields[name] as FieldKind)) {
        throw new Error(`the upstream answer has a malformed ${event.$case} (${name}: ${typeof v === 'number' ? v : typeof v})`);
      }
    }
  }
  return events;
}

/** A stream parser whose events are checked (checkedEvents). */
export function checkedStreamParser(parser: ProviderStreamParser): ProviderStreamParser {
  const finish = parser.finish?.bind(parser);
  return {
    push: (event: SseEvent) => checkedEvents(parser.push(event)),
    get done() {
      return parser.done;
    },
    ...(finish ? { finish: () => checkedEvents(finish()) } : {}),
  };
}
