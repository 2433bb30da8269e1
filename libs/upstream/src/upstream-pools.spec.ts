import { DEFAULT_OUTBOUND_POLICY, DEFAULT_ROUTING } from '@switchyard/config';
import type { Agent } from 'undici';
import { UpstreamPools } from './upstream-pools';

describe(UpstreamPools.name, () => {
  let sut: UpstreamPools;
  beforeEach(() => (sut = new UpstreamPools(DEFAULT_OUTBOUND_POLICY)));
  afterEach(() => sut.close());

  it('keeps one pool per connect timeout, so calls of one model share their connections', () => {
    expect(sut.of(200)).toBe(sut.of(200));
    expect(sut.of(200)).not.toBe(sut.of(300));
  });

  it("gives a call without a connect timeout routing's default", () => {
    expect(sut.of(0)).toBe(sut.of(DEFAULT_ROUTING.timeouts.connectMs));
    expect(sut.of(undefined)).toBe(sut.of(DEFAULT_ROUTING.timeouts.connectMs));
  });

  it('closes every pool, and opens fresh ones if asked again', async () => {
    const first = sut.of(200) as Agent;
    await sut.close();

    expect(first.closed).toBe(true);
    expect(sut.of(200)).not.toBe(first);
  });
});
