import type { DeploymentEntry, ModelEntry, ProviderEntry } from './catalogue.types';
import { backoffMs, pickDeployment } from './deployment-picker';

const PROVIDER: ProviderEntry = { id: 'openai-eu', type: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeys: ['env:OPENAI_KEY'], region: 'eu', optionsJson: '{}' };

function deployment(id: string, weight: number, priority = 0): DeploymentEntry {
  return { id, provider: PROVIDER, upstreamModel: 'gpt-4o-2024-08-06', weight, priority };
}

// Tier 0: a (weight 1) and b (weight 3), so a owns [0, 0.25) of the random range and b the rest.
const MODEL: ModelEntry = {
  name: 'gpt-4o',
  fallbacks: [],
  tiers: [[deployment('a', 1), deployment('b', 3)], [deployment('backup', 1, 1)]],
  created: 0,
};

const NONE = new Set<string>();

describe(pickDeployment.name, () => {
  it.each([
    [0, 'a'],
    [0.2499, 'a'],
    [0.25, 'b'],
    [0.9999, 'b'],
  ])('draws %d as deployment %s, in proportion to the weights', (random, id) => {
    expect(pickDeployment(MODEL, NONE, () => random)?.id).toBe(id);
  });

  it('never picks a deployment already tried in this request', () => {
    expect(pickDeployment(MODEL, new Set(['b']), () => 0.9999)?.id).toBe('a');
    expect(pickDeployment(MODEL, new Set(['a']), () => 0)?.id).toBe('b');
  });

  it('falls to the next priority tier when the best one is exhausted', () => {
    expect(pickDeployment(MODEL, new Set(['a', 'b']), () => 0)?.id).toBe('backup');
  });

  it('gives nothing when every deployment was tried', () => {
    expect(pickDeployment(MODEL, new Set(['a', 'b', 'backup']), () => 0)).toBeUndefined();
  });

  it('skips deployments of weight zero', () => {
    const model: ModelEntry = { ...MODEL, tiers: [[deployment('drained', 0), deployment('live', 1)]] };

    expect(pickDeployment(model, NONE, () => 0)?.id).toBe('live');
    expect(pickDeployment({ ...model, tiers: [[deployment('drained', 0)]] }, NONE, () => 0)).toBeUndefined();
  });
});

describe(backoffMs.name, () => {
  it.each([
    // attempt, retry-after, random, expected
    [1, 0, 0.999, 499],
    [2, 0, 0.5, 500],
    [5, 0, 0.999, 7992],
    [10, 0, 0.999, 7992],
    [1, 3000, 0.999, 3000],
    [1, 0, 0, 0],
  ])('attempt %i with retry-after %i and random %d waits %i ms', (attempt, retryAfter, random, ms) => {
    expect(backoffMs(attempt, retryAfter, () => random)).toBe(ms);
  });
});
