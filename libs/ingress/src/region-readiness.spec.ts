import type { DeploymentHealth, HealthStateResponse, RouterPort } from '@switchyard/ir';
import { RegionReadiness } from './region-readiness';

const NOW = Date.parse('2026-12-07T04:00:00Z');

function deployment(id: string, model: string, over: Partial<DeploymentHealth> = {}): DeploymentHealth {
  return {
    deploymentId: id, model, providerId: `p-${id}`, circuit: 'closed', cooldownUntil: 0, ejectedUntil: 0, ejections: 0,
    windowRequests: 0, windowFailures: 0, consecutiveFailures: 0, inFlight: 0, ewmaTtftMs: 0, ewmaTotalMs: 0, ...over,
  };
}

/** A router that serves `models` with the deployments of `state`. */
function routerOf(models: string[], deployments: DeploymentHealth[]): RouterPort {
  const state: HealthStateResponse = { deployments, retryBudgetAvailable: 1, retriesRefused: 0 };
  return {
    listModels: () => Promise.resolve({ models: models.map((name) => ({ name, ownedBy: 'switchyard', created: 0 })) }),
    healthState: () => Promise.resolve(state),
  } as unknown as RouterPort;
}

describe(RegionReadiness.name, () => {
  const models = ['a', 'b', 'c', 'd'];
  const half = [
    deployment('a1', 'a', { circuit: 'open' }),
    deployment('a2', 'a', { ejectedUntil: NOW + 5000 }),
    deployment('b1', 'b', { cooldownUntil: NOW + 1000 }),
    deployment('c1', 'c', { circuit: 'half-open' }),
    deployment('d1', 'd', { circuit: 'open' }),
    deployment('d2', 'd', { ejectedUntil: NOW - 1 }),
  ];

  it('counts a model usable when one deployment is neither open, ejected nor cooling down (half-open admits trials)', async () => {
    const sut = new RegionReadiness(routerOf(models, half), [], { region: 'eu', minUsableModelShare: 0.5 }, () => NOW);

    const report = await sut.report();

    expect(report.models).toMatchObject({ minUsableShare: 0.5, usableShare: 0.5, usable: 2, total: 4 });
    expect(report.models.list.map((m) => [m.model, m.usable])).toEqual([['a', false], ['b', false], ['c', true], ['d', true]]);
    expect(report.models.list[0]?.deployments).toEqual([
      { deploymentId: 'a1', providerId: 'p-a1', usable: false, reasons: ['circuit open'] },
      { deploymentId: 'a2', providerId: 'p-a2', usable: false, reasons: ['ejected until 2026-12-07T04:00:05.000Z'] },
    ]);
    expect(report.models.list[1]?.deployments[0]?.reasons).toEqual(['cooling down until 2026-12-07T04:00:01.000Z']);
    expect(report).toMatchObject({ region: 'eu', ready: true, reasons: [] });
    expect(await sut.failing()).toEqual([]);
  });

  it('is not ready below the required share, and says by how much', async () => {
    const sut = new RegionReadiness(routerOf(models, half), [], { region: 'eu', minUsableModelShare: 0.75 }, () => NOW);

    expect(await sut.failing()).toEqual(['models']);
    expect(await sut.report()).toMatchObject({ ready: false, reasons: ['2 of 4 models have a usable deployment (50 %), below the required 75 %'] });
  });

  it('never counts models when no share is required, but still reports them', async () => {
    const down = models.map((m) => deployment(m, m, { circuit: 'open' }));
    const sut = new RegionReadiness(routerOf(models, down), [], { region: 'eu', minUsableModelShare: 0 }, () => NOW);

    expect(await sut.failing()).toEqual([]);
    expect(await sut.report()).toMatchObject({ ready: true, models: { usable: 0, total: 4 } });
  });

  it('names each dependency that does not answer, a throwing check included', async () => {
    const checks = [
      { name: 'auth', ready: () => true },
      { name: 'router', ready: () => Promise.reject(new Error('unreachable')) },
    ];
    const sut = new RegionReadiness(routerOf(models, half), checks, { region: 'eu', minUsableModelShare: 0 }, () => NOW);

    expect(await sut.failing()).toEqual(['router']);
    expect(await sut.report()).toMatchObject({ ready: false, reasons: ['router does not answer'], dependencies: [{ name: 'auth', ready: true }, { name: 'router', ready: false }] });
  });

  it('is not ready when a share is required and the router cannot say, or serves no model', async () => {
    const broken = { listModels: () => Promise.reject(new Error('UNAVAILABLE')), healthState: () => Promise.reject(new Error('UNAVAILABLE')) } as unknown as RouterPort;
    const sut = new RegionReadiness(broken, [], { region: 'eu', minUsableModelShare: 0.1 }, () => NOW);
    const empty = new RegionReadiness(routerOf([], []), [], { region: 'eu', minUsableModelShare: 0.1 }, () => NOW);

    expect(await sut.failing()).toEqual(['models']);
    expect((await sut.report()).reasons).toEqual(["the router's health state is unavailable: UNAVAILABLE"]);
    expect(await empty.failing()).toEqual(['models']);
  });
});
