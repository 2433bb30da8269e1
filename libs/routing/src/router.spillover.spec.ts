import { DEFAULT_ROUTING } from '@switchyard/config';
import type { ErrorEvent, ResponseEvent } from '@switchyard/ir';
import type { ModelEntry } from './catalogue.types';
import { InMemoryCatalogue, OPENAI_EU, ScriptedAdapter, collect, deployment, hello, overloaded, pinRandomEachTest, request, started, stopped } from './router.harness';
import { RouterService } from './router.service';

// Spill-over (issue 15): with region.spillover on, a request whose model chain has no usable
// deployment left ends with `noUsableDeployment` for the ingress to forward to a peer region,
// instead of trying a deployment anyway (panic mode).

const BREAKER = { windowMs: 60_000, minRequests: 2, failureRate: 0.5, openMs: 60_000, halfOpenRequests: 1 };
const a = deployment('a', OPENAI_EU, 1);
const only: ModelEntry[] = [{ name: 'm', fallbacks: [], tiers: [[a]], created: 1 }];
const ok: ResponseEvent[] = [started, hello, stopped];

async function routerWith(turns: ResponseEvent[][], spillover: boolean, retries = 0): Promise<{ sut: RouterService; adapter: ScriptedAdapter }> {
  const adapter = new ScriptedAdapter(turns);
  const sut = new RouterService(new InMemoryCatalogue(only), new Map([['openai', adapter]]), { ...DEFAULT_ROUTING, retries, circuitBreaker: BREAKER }, undefined, undefined, { spillover });
  await sut.reload();
  return { sut, adapter };
}

function finalError(events: ResponseEvent[]): ErrorEvent | undefined {
  const last = events.at(-1)?.event;
  return last?.$case === 'error' ? last.value : undefined;
}

const route = (sut: RouterService) => collect(sut.route(request('m'), new AbortController().signal));

describe(`${RouterService.name}: spill-over (issue 15)`, () => {
  pinRandomEachTest();

  it('with spill-over on, an open circuit on every deployment ends the request for a peer without calling upstream', async () => {
    const { sut, adapter } = await routerWith([[overloaded()], [overloaded()], ok], true);
    await route(sut);
    await route(sut);
    expect((await sut.healthState()).deployments[0]).toMatchObject({ circuit: 'open' });

    const error = finalError(await route(sut));

    expect(error).toMatchObject({ noUsableDeployment: true, message: 'no deployment of m is available' });
    expect(adapter.deployments).toEqual(['a', 'a']);
  });

  it('a try that failed while the deployment was still usable is the failure itself, not a spill', async () => {
    const { sut } = await routerWith([[overloaded()]], true);

    const error = finalError(await route(sut));

    expect(error?.noUsableDeployment).toBeUndefined();
    expect(error?.message).toBe('upstream returned 503');
  });

  it('with spill-over off, nothing usable still tries a deployment (panic mode) and never marks the error', async () => {
    const { sut, adapter } = await routerWith([[overloaded()], [overloaded()], [overloaded()]], false);
    await route(sut);
    await route(sut);

    const error = finalError(await route(sut));

    expect(adapter.deployments).toEqual(['a', 'a', 'a']);
    expect(error?.noUsableDeployment).toBeUndefined();
  });
});
