import { ErrorKind, FinishReason, ResponseEvent } from '@switchyard/ir';
import { isCacheable } from './cacheable';
import { completeAnswer, errorEvent, startEvent, stop, text, usageEvent } from './test-answers';

describe('isCacheable', () => {
  it('accepts a complete answer: start, deltas, stop, usage', () => {
    expect(isCacheable(completeAnswer())).toBe(true);
  });

  it('accepts length and tool-call endings', () => {
    expect(isCacheable([startEvent, text('x'), stop(FinishReason.FINISH_REASON_LENGTH), usageEvent])).toBe(true);
    expect(isCacheable([startEvent, stop(FinishReason.FINISH_REASON_TOOL_CALLS)])).toBe(true);
  });

  it('refuses error, content-filter and unknown endings', () => {
    expect(isCacheable([startEvent, text('x'), stop(FinishReason.FINISH_REASON_ERROR)])).toBe(false);
    expect(isCacheable([startEvent, stop(FinishReason.FINISH_REASON_CONTENT_FILTER)])).toBe(false);
    expect(isCacheable([startEvent, stop(FinishReason.FINISH_REASON_UNSPECIFIED)])).toBe(false);
  });

  it('refuses a stream that failed, was cancelled or never ended', () => {
    expect(isCacheable([startEvent, text('x'), errorEvent()])).toBe(false);
    expect(isCacheable([startEvent, text('x'), stop(), errorEvent(ErrorKind.ERROR_KIND_CANCELLED)])).toBe(false);
    expect(isCacheable([startEvent, text('partial')])).toBe(false);
    expect(isCacheable([])).toBe(false);
  });

  it('refuses events without a leading start, or with a second one', () => {
    expect(isCacheable([text('x'), stop(), usageEvent])).toBe(false);
    expect(isCacheable([startEvent, text('x'), startEvent, stop()])).toBe(false);
  });

  it('needs a stop for every asked-for choice and no choice beyond them', () => {
    const two: ResponseEvent[] = [startEvent, text('a', 0), text('b', 1), stop(FinishReason.FINISH_REASON_STOP, 0), stop(FinishReason.FINISH_REASON_STOP, 1), usageEvent];
    expect(isCacheable(two, 2)).toBe(true);
    expect(isCacheable(two, 1)).toBe(false);
    expect(isCacheable(two, 3)).toBe(false);
    expect(isCacheable([startEvent, text('a', 0), stop(FinishReason.FINISH_REASON_STOP, 0), stop(FinishReason.FINISH_REASON_STOP, 0)], 2)).toBe(false);
    expect(isCacheable(completeAnswer(), 0)).toBe(false);
  });
});
