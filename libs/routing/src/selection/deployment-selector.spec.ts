import type { RoutingStrategy } from '@switchyard/config';
import type { DeploymentEntry, ModelEntry, PriceEntry, ProviderEntry } from '../catalogue.types';
import { pickDeployment, type PickOptions } from './deployment-selector';
import { DeploymentStats } from './deployment-stats';

const PROVIDER: ProviderEntry = { id: 'openai-eu', type: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeys: ['env:OPENAI_KEY'], region: 'eu', optionsJson: '{}' };

function deployment(id: string, weight: number, priority = 0, price?: PriceEntry): DeploymentEntry {
  return { id, provider: PROVIDER, upstreamModel: 'gpt-4o-2024-08-06', weight, priority, price };
}

function model(...tiers: DeploymentEntry[][]): ModelEntry {
  return { name: 'gpt-4o', fallbacks: [], tiers, created: 0 };
}

const ALL = (): boolean => true;

describe(pickDeployment.name, () => {
  let stats: DeploymentStats;
  beforeEach(() => {
    stats = new DeploymentStats(() => 0);
  });

  function pick(m: ModelEntry, strategy: RoutingStrategy, random: number, more: Partial<PickOptions> = {}): string | undefined {
    return pickDeployment(m, { strategy, usable: ALL, stats, random: () => random, ...more })?.id;
  }

  // Tier 0: a (weight 1) and b (weight 3), so a owns [0, 0.25) of the random range and b the rest.
  const WEIGHTED = model([deployment('a', 1), deployment('b', 3)], [deployment('backup', 1, 1)]);

  describe('weighted', () => {
    it.each([
      [0, 'a'],
      [0.2499, 'a'],
      [0.25, 'b'],
      [0.9999, 'b'],
    ])('draws %d as deployment %s, in proportion to the weights', (random, id) => {
      expect(pick(WEIGHTED, 'weighted', random)).toBe(id);
    });

    it('renormalises over the usable deployments', () => {
      const m = model([deployment('a', 1), deployment('b', 3), deployment('c', 4)]);

      // Without b: a owns [0, 0.2), c the rest.
      expect(pick(m, 'weighted', 0.19, { usable: (d) => d.id !== 'b' })).toBe('a');
      expect(pick(m, 'weighted', 0.2, { usable: (d) => d.id !== 'b' })).toBe('c');
    });
  });

  describe('tiers', () => {
    it.each<RoutingStrategy>(['weighted', 'least-inflight', 'lowest-latency', 'lowest-cost'])('%s falls to the next tier when the best one is unusable', (strategy) => {
      expect(pick(WEIGHTED, strategy, 0, { usable: (d) => d.priority > 0 })).toBe('backup');
    });

    it('prefers the best tier even when a lower one scores better', () => {
      const m = model([deployment('slow', 1)], [deployment('fast', 1, 1)]);
      stats.observe('slow', { ttftMs: 5000 });
      stats.observe('fast', { ttftMs: 10 });

      expect(pick(m, 'lowest-latency', 0.5)).toBe('slow');
    });

    it('gives nothing when no tier has a usable deployment', () => {
      expect(pick(WEIGHTED, 'weighted', 0, { usable: () => false })).toBeUndefined();
      expect(pick(model(), 'weighted', 0)).toBeUndefined();
    });

    it('asks usable once per deployment of the tiers visited, and never about drained ones', () => {
      const m = model([deployment('a', 1), deployment('drained', 0), deployment('b', 1)], [deployment('backup', 1, 1)], [deployment('never', 1, 2)]);
      const asked: string[] = [];
      const usable = (d: DeploymentEntry): boolean => {
        asked.push(d.id);
        return d.priority === 1;
      };

      expect(pick(m, 'least-inflight', 0.5, { usable })).toBe('backup');
      expect(asked).toEqual(['a', 'b', 'backup']);
    });
  });

  describe('weight 0 (drained)', () => {
    const DRAINED = model([deployment('drained', 0), deployment('live', 1)], [deployment('backup', 1, 1)]);

    it.each<RoutingStrategy>(['weighted', 'least-inflight', 'lowest-latency', 'lowest-cost'])('is never picked by %s', (strategy) => {
      stats.begin('live');
      stats.begin('live');
      stats.observe('live', { ttftMs: 9000 });
      const cheap = model([deployment('drained', 0, 0, { inputPerMTok: 0, outputPerMTok: 0 }), deployment('live', 1, 0, { inputPerMTok: 100, outputPerMTok: 100 })]);
      for (const random of [0, 0.01, 0.5, 0.9999]) {
        expect(pick(strategy === 'lowest-cost' ? cheap : DRAINED, strategy, random)).toBe('live');
      }
    });

    it('leaves a tier of only drained deployments to the next tier', () => {
      expect(pick(model([deployment('drained', 0)], [deployment('backup', 1, 1)]), 'weighted', 0)).toBe('backup');
      expect(pick(model([deployment('drained', 0)]), 'weighted', 0)).toBeUndefined();
    });
  });

  describe('least-inflight', () => {
    const M = model([deployment('a', 1), deployment('b', 1), deployment('c', 2)]);

    it('picks the deployment with the fewest requests in flight, whatever the draw', () => {
      stats.begin('a');
      stats.begin('a');
      stats.begin('b');
      stats.begin('c');
      stats.begin('c');

      for (const random of [0, 0.5, 0.9999]) expect(pick(M, 'least-inflight', random)).toBe('b');
    });

    it('breaks ties by weight among the least loaded only', () => {
      stats.begin('a');
      // b (weight 1) and c (weight 2) tie at 0: b owns [0, 1/3).
      expect(pick(M, 'least-inflight', 0.33)).toBe('b');
      expect(pick(M, 'least-inflight', 0.34)).toBe('c');
    });

    it('follows requests ending', () => {
      const end = stats.begin('b');
      stats.begin('c');
      expect(pick(M, 'least-inflight', 0.9999)).toBe('a');

      end();
      stats.begin('a');
      expect(pick(M, 'least-inflight', 0)).toBe('b');
    });
  });

  describe('lowest-latency', () => {
    const M = model([deployment('a', 1), deployment('b', 1), deployment('c', 2)]);

    function sampleAll(a: number, b: number, c: number): void {
      stats.observe('a', { ttftMs: a });
      stats.observe('b', { ttftMs: b });
      stats.observe('c', { ttftMs: c });
    }

    it('picks the lowest TTFT EWMA outside exploration', () => {
      sampleAll(300, 100, 200);

      for (const random of [0.05, 0.5, 0.9999]) expect(pick(M, 'lowest-latency', random)).toBe('b');
    });

    it('explores with weighted random on 5 % of the draws, rescaled', () => {
      sampleAll(300, 100, 200);

      // r < 0.05 is rescaled to r / 0.05: a owns [0, 0.25), b [0.25, 0.5), c [0.5, 1).
      expect(pick(M, 'lowest-latency', 0.01)).toBe('a');
      expect(pick(M, 'lowest-latency', 0.02)).toBe('b');
      expect(pick(M, 'lowest-latency', 0.04)).toBe('c');
    });

    it('takes an exploration rate from the options', () => {
      sampleAll(300, 100, 200);

      expect(pick(M, 'lowest-latency', 0.01, { explorationRate: 0 })).toBe('b');
      expect(pick(M, 'lowest-latency', 0.5, { explorationRate: 1 })).toBe('c');
    });

    it('weighs the latency by the requests in flight (peak-EWMA cost)', () => {
      sampleAll(300, 100, 200);
      // b: 100 × 3 = 300 > c: 200 × 1.
      stats.begin('b');
      stats.begin('b');

      expect(pick(M, 'lowest-latency', 0.5)).toBe('c');
    });

    it('gives an idle deployment without samples the next request, whatever the draw', () => {
      stats.observe('a', { ttftMs: 10 });
      stats.observe('c', { ttftMs: 10 });

      for (const random of [0, 0.01, 0.5, 0.9999]) expect(pick(M, 'lowest-latency', random)).toBe('b');
    });

    it('shares the first requests among several new deployments by weight', () => {
      stats.observe('a', { ttftMs: 10 });

      expect(pick(M, 'lowest-latency', 0.33)).toBe('b');
      expect(pick(M, 'lowest-latency', 0.34)).toBe('c');
    });

    it('sends one request at a time to a new deployment until its first sample arrives', () => {
      stats.observe('a', { ttftMs: 10 });
      stats.observe('c', { ttftMs: 20 });
      const end = stats.begin('b');

      expect(pick(M, 'lowest-latency', 0.5)).toBe('a');
      end();
      expect(pick(M, 'lowest-latency', 0.5)).toBe('b');
    });

    it('falls back to weighted random when nothing has figures and all are busy', () => {
      stats.begin('a');
      stats.begin('b');
      stats.begin('c');

      // (0.5 - 0.05) / 0.95 ≈ 0.474: a [0, 0.25), b [0.25, 0.5).
      expect(pick(M, 'lowest-latency', 0.5)).toBe('b');
    });

    it('ranks unary deployments by total time', () => {
      stats.observe('a', { totalMs: 900 });
      stats.observe('b', { totalMs: 400 });
      stats.observe('c', { totalMs: 700 });

      expect(pick(M, 'lowest-latency', 0.5)).toBe('b');
    });

    it('breaks equal scores by weight', () => {
      sampleAll(100, 300, 100);

      // a (1) and c (2) tie; exploit draw (r - 0.05) / 0.95: a owns [0, 1/3).
      expect(pick(M, 'lowest-latency', 0.3)).toBe('a');
      expect(pick(M, 'lowest-latency', 0.4)).toBe('c');
    });
  });

  describe('lowest-cost', () => {
    // Per million tokens. With 1000 input and 256 output tokens (the defaults):
    // cheap-in: 1 × 1000 + 10 × 256 = 3560; cheap-out: 3 × 1000 + 2 × 256 = 3512.
    const CHEAP_IN = deployment('cheap-in', 1, 0, { inputPerMTok: 1, outputPerMTok: 10 });
    const CHEAP_OUT = deployment('cheap-out', 1, 0, { inputPerMTok: 3, outputPerMTok: 2 });
    const UNKNOWN = deployment('unknown', 5, 0);
    const M = model([UNKNOWN, CHEAP_IN, CHEAP_OUT]);

    it('picks the cheapest for the default request shape', () => {
      for (const random of [0, 0.9999]) expect(pick(M, 'lowest-cost', random)).toBe('cheap-out');
    });

    it('weighs the price by the estimated and expected tokens', () => {
      // 10 000 input: cheap-in 12 560 < cheap-out 30 512.
      expect(pick(M, 'lowest-cost', 0.5, { estimatedTokens: 10_000 })).toBe('cheap-in');
      // 100 input, 4000 output: cheap-in 40 100 > cheap-out 8 300.
      expect(pick(M, 'lowest-cost', 0.5, { estimatedTokens: 100, expectedOutputTokens: 4000 })).toBe('cheap-out');
    });

    it('counts an unknown price as the most expensive', () => {
      expect(pick(M, 'lowest-cost', 0.5, { usable: (d) => d.id !== 'cheap-out' })).toBe('cheap-in');
      expect(pick(M, 'lowest-cost', 0.5, { usable: (d) => d.id === 'unknown' })).toBe('unknown');
    });

    it('breaks equal prices by weight', () => {
      const price = { inputPerMTok: 1, outputPerMTok: 1 };
      const m = model([deployment('x', 1, 0, price), deployment('y', 3, 0, price), UNKNOWN]);

      expect(pick(m, 'lowest-cost', 0.2499)).toBe('x');
      expect(pick(m, 'lowest-cost', 0.25)).toBe('y');
    });

    it('breaks ties among unknown prices by weight', () => {
      const m = model([deployment('p', 1), deployment('q', 1)]);

      expect(pick(m, 'lowest-cost', 0.4)).toBe('p');
      expect(pick(m, 'lowest-cost', 0.6)).toBe('q');
    });
  });

  it('handles tiers larger than its scratch space', () => {
    const big = Array.from({ length: 100 }, (_, i) => deployment(`d${i}`, 1));
    for (let i = 0; i < 99; i++) stats.begin(`d${i}`);

    expect(pick(model(big), 'least-inflight', 0.5)).toBe('d99');
    expect(pick(model(big), 'weighted', 0.995)).toBe('d99');
  });
});
