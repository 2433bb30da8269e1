import type { DeploymentEntry, ProviderEntry } from '../catalogue.types';
import { DeploymentStats } from './deployment-stats';

const PROVIDER: ProviderEntry = { id: 'openai-eu', type: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeys: ['env:OPENAI_KEY'], region: 'eu', optionsJson: '{}' };

function deployment(limits: { rpm?: number; tpm?: number }): DeploymentEntry {
  return { id: 'a', provider: PROVIDER, upstreamModel: 'gpt-4o', weight: 1, priority: 0, ...limits };
}

describe(DeploymentStats.name, () => {
  let time: number;
  let sut: DeploymentStats;
  beforeEach(() => {
    time = 0;
    sut = new DeploymentStats(() => time);
  });

  describe('in flight', () => {
    it('counts requests between begin and end, and ending twice ends once', () => {
      const endFirst = sut.begin('a');
      const endSecond = sut.begin('a');
      sut.begin('b');

      expect(sut.inFlight('a')).toBe(2);
      endFirst();
      endFirst();
      expect(sut.inFlight('a')).toBe(1);
      endSecond();
      expect(sut.inFlight('a')).toBe(0);
      expect(sut.inFlight('b')).toBe(1);
      expect(sut.inFlight('unknown')).toBe(0);
    });

    it('does not let a request begun before forget touch the new record', () => {
      const end = sut.begin('a');
      sut.forget('a');
      sut.begin('a');
      end();

      expect(sut.inFlight('a')).toBe(1);
    });
  });

  describe('latency', () => {
    it('knows nothing before the first sample', () => {
      expect(sut.latency('a')).toEqual({ ttftMs: undefined, totalMs: undefined, samples: 0 });
      expect(sut.latencyScore('a')).toBeNaN();
    });

    it('starts the EWMA at the first sample and moves it 20 % towards each next one', () => {
      sut.observe('a', { ttftMs: 100, totalMs: 1000 });
      expect(sut.latency('a')).toEqual({ ttftMs: 100, totalMs: 1000, samples: 1 });

      sut.observe('a', { ttftMs: 200, totalMs: 2000 });
      expect(sut.latency('a')).toEqual({ ttftMs: 120, totalMs: 1200, samples: 2 });

      sut.observe('a', { ttftMs: 20 });
      const { ttftMs, totalMs, samples } = sut.latency('a');
      expect(ttftMs).toBeCloseTo(100, 10);
      expect(totalMs).toBe(1200);
      expect(samples).toBe(3);
    });

    it('halves an old figure’s weight in about 3.1 samples', () => {
      sut.observe('a', { ttftMs: 1000 });
      for (let i = 0; i < 3; i++) sut.observe('a', { ttftMs: 0 });
      // 1000 × 0.8³ = 512, just above half after three samples, below after four.
      expect(sut.latency('a').ttftMs).toBeCloseTo(512, 9);
      sut.observe('a', { ttftMs: 0 });
      expect(sut.latency('a').ttftMs).toBeCloseTo(409.6, 9);
    });

    it('ignores negative, non-finite and missing figures', () => {
      sut.observe('a', { ttftMs: -1, totalMs: Number.NaN });
      sut.observe('a', {});
      sut.observe('a', { ttftMs: Number.POSITIVE_INFINITY });

      expect(sut.latency('a')).toEqual({ ttftMs: undefined, totalMs: undefined, samples: 0 });
    });

    it('ranks by TTFT, else by total time for unary calls', () => {
      sut.observe('a', { totalMs: 900 });
      expect(sut.latencyScore('a')).toBe(900);

      sut.observe('a', { ttftMs: 300, totalMs: 900 });
      expect(sut.latencyScore('a')).toBe(300);
    });

    it('takes an alpha from the options', () => {
      const halfway = new DeploymentStats(() => time, { ewmaAlpha: 0.5 });
      halfway.observe('a', { ttftMs: 100 });
      halfway.observe('a', { ttftMs: 200 });

      expect(halfway.latency('a').ttftMs).toBe(150);
    });
  });

  describe('ttftPercentile', () => {
    it('gives nothing below ten samples', () => {
      for (let i = 1; i <= 9; i++) sut.observe('a', { ttftMs: i });

      expect(sut.ttftPercentile('a', 50)).toBeUndefined();
      expect(sut.ttftPercentile('unknown', 50)).toBeUndefined();
    });

    it('gives the nearest-rank percentile of the recent samples', () => {
      // Out of order, so sorting matters: 10, 20, …, 100.
      for (const v of [70, 10, 100, 40, 20, 90, 30, 60, 50, 80]) sut.observe('a', { ttftMs: v });

      expect(sut.ttftPercentile('a', 0)).toBe(10);
      expect(sut.ttftPercentile('a', 50)).toBe(50);
      expect(sut.ttftPercentile('a', 51)).toBe(60);
      expect(sut.ttftPercentile('a', 95)).toBe(100);
      expect(sut.ttftPercentile('a', 100)).toBe(100);
      expect(sut.ttftPercentile('a', 101)).toBeUndefined();
      expect(sut.ttftPercentile('a', Number.NaN)).toBeUndefined();
    });

    it('keeps only the newest 64 samples, and a new sample refreshes a cached answer', () => {
      for (let i = 0; i < 64; i++) sut.observe('a', { ttftMs: 1000 });
      expect(sut.ttftPercentile('a', 100)).toBe(1000);

      for (let i = 0; i < 63; i++) sut.observe('a', { ttftMs: 5 });
      expect(sut.ttftPercentile('a', 98)).toBe(5);
      expect(sut.ttftPercentile('a', 100)).toBe(1000);
      sut.observe('a', { ttftMs: 5 });
      expect(sut.ttftPercentile('a', 100)).toBe(5);
    });

    it('is not fed by total-only samples', () => {
      for (let i = 0; i < 20; i++) sut.observe('a', { totalMs: 10 });

      expect(sut.ttftPercentile('a', 50)).toBeUndefined();
    });
  });

  describe('upstream limits', () => {
    it('treats undefined limits as unlimited', () => {
      for (let i = 0; i < 1000; i++) sut.countRequest('a', 1_000_000);

      expect(sut.withinLimits(deployment({}), 1_000_000)).toBe(true);
    });

    it('refuses the request that would pass rpm within the last 60 s, and lets it through once the first left the window', () => {
      const d = deployment({ rpm: 3 });
      time = 500;
      sut.countRequest('a', 0);
      time = 30_000;
      sut.countRequest('a', 0);
      sut.countRequest('a', 0);

      expect(sut.withinLimits(d, 0)).toBe(false);
      time = 60_999;
      expect(sut.withinLimits(d, 0)).toBe(false);
      time = 61_000;
      expect(sut.withinLimits(d, 0)).toBe(true);
      expect(sut.usage('a')).toEqual({ requests: 2, tokens: 0 });
    });

    it('refuses when the estimate would pass tpm', () => {
      const d = deployment({ tpm: 10_000 });
      sut.countRequest('a', 6_000);

      expect(sut.withinLimits(d, 4_000)).toBe(true);
      expect(sut.withinLimits(d, 4_001)).toBe(false);
    });

    it('lets one oversized request through an empty window', () => {
      const d = deployment({ tpm: 1_000 });

      expect(sut.withinLimits(d, 5_000)).toBe(true);
      sut.countRequest('a', 5_000);
      expect(sut.withinLimits(d, 1)).toBe(false);
    });

    it('corrects an estimate with the real usage where the estimate was counted', () => {
      const d = deployment({ tpm: 10_000 });
      const at = sut.countRequest('a', 8_000);
      time = 20_000;
      sut.countRequest('a', 1_000);
      expect(sut.withinLimits(d, 2_000)).toBe(false);

      sut.addTokens('a', -5_000, at);
      expect(sut.usage('a').tokens).toBe(4_000);
      expect(sut.withinLimits(d, 2_000)).toBe(true);

      // The corrected estimate leaves with its bucket.
      time = 61_000;
      expect(sut.usage('a')).toEqual({ requests: 1, tokens: 1_000 });
    });

    it('drops a late negative correction, and counts a late positive one now', () => {
      const at = sut.countRequest('a', 1_000);
      time = 90_000;
      sut.countRequest('a', 500);

      sut.addTokens('a', -800, at);
      expect(sut.usage('a').tokens).toBe(500);
      sut.addTokens('a', 300, at);
      expect(sut.usage('a').tokens).toBe(800);
    });

    it('corrects in the current bucket without a time, never reading below zero', () => {
      sut.countRequest('a', 100);
      sut.addTokens('a', 50);
      expect(sut.usage('a').tokens).toBe(150);

      sut.addTokens('a', -400);
      expect(sut.usage('a').tokens).toBe(0);
      expect(sut.withinLimits(deployment({ tpm: 10 }), 10)).toBe(true);
    });

    it('treats rpm 0 as closed', () => {
      expect(sut.withinLimits(deployment({ rpm: 0 }), 0)).toBe(false);
    });
  });

  it('forgets everything about a deployment', () => {
    sut.begin('a');
    sut.observe('a', { ttftMs: 5 });
    sut.countRequest('a', 10);
    sut.forget('a');

    expect(sut.snapshot('a')).toEqual({ ttftMs: undefined, totalMs: undefined, samples: 0, inFlight: 0, requestsLastMinute: 0, tokensLastMinute: 0 });
  });

  it('shows a snapshot for the admin API', () => {
    sut.begin('a');
    sut.observe('a', { ttftMs: 5, totalMs: 50 });
    sut.countRequest('a', 10);

    expect(sut.snapshot('a')).toEqual({ ttftMs: 5, totalMs: 50, samples: 1, inFlight: 1, requestsLastMinute: 1, tokensLastMinute: 10 });
  });
});
