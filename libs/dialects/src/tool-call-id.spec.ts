import { joinToolCallId, splitToolCallId } from './tool-call-id';

describe('tool call ids carrying a Gemini thought signature', () => {
  it('round-trips an id and its signature', () => {
    const signature = 'CiQB0e2Kb+/=xyz';
    const joined = joinToolCallId('call_1', signature);
    expect(joined).toMatch(/^call_1\.sig\.[A-Za-z0-9_-]+$/);
    expect(splitToolCallId(joined)).toStrictEqual({ id: 'call_1', signature });
  });

  it('leaves ids without a signature untouched', () => {
    expect(joinToolCallId('toolu_01A', undefined)).toBe('toolu_01A');
    expect(splitToolCallId('toolu_01A')).toStrictEqual({ id: 'toolu_01A', signature: undefined });
  });
});
