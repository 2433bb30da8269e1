import { decodeCachedAnswer, encodeCachedAnswer } from './cached-answer.codec';
import { completeAnswer } from './test-answers';

describe('cached answer codec', () => {
  it('round-trips the events and storedAt', () => {
    const answer = { events: completeAnswer('héllo ✓'), storedAt: 1_700_000_000_123 };
    const decoded = decodeCachedAnswer(encodeCachedAnswer(answer));
    expect(decoded.storedAt).toBe(answer.storedAt);
    expect(decoded.events.map((e) => e.event?.$case)).toEqual(['start', 'textDelta', 'stop', 'usage']);
    expect(decoded.events[1]).toEqual({ event: { $case: 'textDelta', value: { text: 'héllo ✓', choice: 0, logprobsJson: '', signature: '' } } });
    expect(decoded.events[0].event?.$case === 'start' && decoded.events[0].event.value.attemptLog?.[0]?.deploymentId).toBe('d-1');
  });

  it('refuses another format version and truncated data', () => {
    const bytes = encodeCachedAnswer({ events: completeAnswer(), storedAt: 5 });
    const otherVersion = Uint8Array.from(bytes);
    otherVersion[0] = 2;
    expect(() => decodeCachedAnswer(otherVersion)).toThrow('cached answer format 2, expected 1');
    expect(() => decodeCachedAnswer(bytes.subarray(0, bytes.length - 3))).toThrow();
  });
});
