import { DEFAULT_ROUTING } from '@switchyard/config';
import type { ResponseEvent } from '@switchyard/ir';
import type { ModelEntry, ProviderEntry } from './catalogue.types';
import { InMemoryCatalogue, OPENAI_EU, ScriptedAdapter, collect, deployment, hello, overloaded, pinRandomEachTest, request, started, stopped } from './router.harness';
import { RouterService } from './router.service';

// Every region applies one shared catalogue (issue 15), so a model lists each region's
// deployments; a region's router tries its own region's first, and the others only after.

const OPENAI_US: ProviderEntry = { ...OPENAI_EU, id: 'openai-us', region: 'us-east' };
const eu = deployment('eu', OPENAI_EU, 1);
const us = deployment('us', OPENAI_US, 1);
const ok: ResponseEvent[] = [started, hello, stopped];

async function routerIn(region: string | undefined, turns: ResponseEvent[][], retries = 0): Promise<{ sut: RouterService; adapter: ScriptedAdapter }> {
  const models: ModelEntry[] = [{ name: 'm', fallbacks: [], tiers: [[eu, us]], created: 1 }];
  const adapter = new ScriptedAdapter(turns);
  const sut = new RouterService(new InMemoryCatalogue(models), new Map([['openai', adapter]]), { ...DEFAULT_ROUTING, retries }, undefined, undefined, { spillover: false, name: region });
  await sut.reload();
  return { sut, adapter };
}

const route = (sut: RouterService) => collect(sut.route(request('m'), new AbortController().signal));

describe(`${RouterService.name}: the region's own deployments first`, () => {
  pinRandomEachTest();

  it.each([
    ['us-east', 'us'],
    [OPENAI_EU.region, 'eu'],
  ])('in region %s, every request goes to the deployment of that region', async (region, expected) => {
    const { sut, adapter } = await routerIn(region, Array.from({ length: 20 }, () => ok));

    for (let i = 0; i < 20; i++) await route(sut);

    expect(new Set(adapter.deployments)).toEqual(new Set([expected]));
  });

  it("falls back to another region's deployment when its own fails", async () => {
    const { sut, adapter } = await routerIn('us-east', [[overloaded()], ok], 1);

    const events = await route(sut);

    expect(adapter.deployments).toEqual(['us', 'eu']);
    expect(events.at(-1)).toEqual(stopped);
  });

  it.each([[undefined], ['ap-south']])('with region %s (none of the deployments), the weighted pick ranges over every region', async (region) => {
    const picks: (string | undefined)[] = [];
    for (const draw of [0, 0.99]) {
      jest.spyOn(Math, 'random').mockReturnValue(draw);
      const { sut, adapter } = await routerIn(region, [ok]);
      await route(sut);
      picks.push(...adapter.deployments);
    }

    expect(picks).toEqual(['eu', 'us']);
  });
});
