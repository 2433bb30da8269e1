import { DEFAULT_ROUTING } from '@switchyard/config';
import { Dialect, ErrorKind, type ResponseEvent } from '@switchyard/ir';
import type { ModelEntry, ProviderEntry } from './catalogue.types';
import { InMemoryCatalogue, OPENAI_EU, ScriptedAdapter, collect, deployment, hello, overloaded, pinRandomEachTest, request, started, stopped } from './router.harness';
import { RouterService } from './router.service';

// Data residency (issue 18): a key's allowed regions bind every try of the route — retries,
// the fallback chain, panic mode — and the answer says which region its data went to.

const OPENAI_US: ProviderEntry = { ...OPENAI_EU, id: 'openai-us', region: 'us-east' };
const eu = deployment('eu', OPENAI_EU, 1);
const us = deployment('us', OPENAI_US, 1);
const ok: ResponseEvent[] = [started, hello, stopped];

async function routerWith(models: ModelEntry[], turns: ResponseEvent[][], retries = 0): Promise<{ sut: RouterService; adapter: ScriptedAdapter }> {
  const adapter = new ScriptedAdapter(turns);
  const sut = new RouterService(new InMemoryCatalogue(models), new Map([['openai', adapter]]), { ...DEFAULT_ROUTING, retries });
  await sut.reload();
  return { sut, adapter };
}

function routeIn(sut: RouterService, model: string, allowedRegions: string[]): Promise<ResponseEvent[]> {
  const req = request(model);
  req.meta = { requestId: 'r1', tenantId: 'acme', keyId: 'k1', endUserId: '', region: 'eu', dialect: Dialect.DIALECT_OPENAI, cacheMode: '', allowedRegions, clientRequestId: '' };
  return collect(sut.route(req, new AbortController().signal));
}

describe(`${RouterService.name}: data residency`, () => {
  pinRandomEachTest();

  it('cuts a fallback chain where it would cross into a forbidden region: the client gets the error, the other region gets nothing', async () => {
    const models: ModelEntry[] = [
      { name: 'm', fallbacks: ['f'], tiers: [[eu]], created: 1 },
      { name: 'f', fallbacks: [], tiers: [[us]], created: 2 },
    ];
    const { sut, adapter } = await routerWith(models, [[overloaded()], ok]);

    const events = await routeIn(sut, 'm', ['eu']);

    expect(adapter.deployments).toEqual(['eu']);
    const last = events.at(-1)?.event;
    expect(last?.$case).toBe('error');
    if (last?.$case !== 'error') return;
    expect(last.value.attemptLog.filter((a) => a.deploymentId).map((a) => a.region)).toEqual(['eu']);
  });

  it('without the restriction the same chain does fall back across regions (the cut above is the regions, not the chain)', async () => {
    const models: ModelEntry[] = [
      { name: 'm', fallbacks: ['f'], tiers: [[eu]], created: 1 },
      { name: 'f', fallbacks: [], tiers: [[us]], created: 2 },
    ];
    const { sut, adapter } = await routerWith(models, [[overloaded()], ok]);

    const events = await routeIn(sut, 'm', []);

    expect(adapter.deployments).toEqual(['eu', 'us']);
    const start = events.find((e) => e.event?.$case === 'start')?.event;
    expect(start?.$case === 'start' && start.value.deploymentRegion).toBe('us-east');
  });

  it('passes over a preferred tier outside the regions for an allowed deployment, and says where the data went', async () => {
    const models: ModelEntry[] = [{ name: 'm', fallbacks: [], tiers: [[us], [deployment('eu-backup', OPENAI_EU, 1, 1)]], created: 1 }];
    const { sut, adapter } = await routerWith(models, [ok]);

    const events = await routeIn(sut, 'm', ['eu']);

    expect(adapter.deployments).toEqual(['eu-backup']);
    const start = events.find((e) => e.event?.$case === 'start')?.event;
    expect(start?.$case === 'start' && { region: start.value.deploymentRegion, log: start.value.attemptLog.map((a) => a.region) }).toEqual({ region: 'eu', log: ['eu'] });
  });

  it('refuses a model whose whole chain lies outside the regions before any try', async () => {
    const models: ModelEntry[] = [{ name: 'm', fallbacks: [], tiers: [[us]], created: 1 }];
    const { sut, adapter } = await routerWith(models, [ok]);

    const events = await routeIn(sut, 'm', ['eu']);

    expect(adapter.deployments).toEqual([]);
    const last = events.at(-1)?.event;
    expect(last?.$case === 'error' && last.value.kind).toBe(ErrorKind.ERROR_KIND_PERMISSION);
  });
});
