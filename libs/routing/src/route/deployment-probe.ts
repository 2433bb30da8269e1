import { Role } from '@switchyard/ir';
import type { ChatRequest } from '@switchyard/ir';
import type { CatalogueStore } from '../catalogue.store';
import type { DeploymentCalls } from './deployment-calls';
import { isDeploymentFault } from './route-events';

const PROBE_REQUEST: ChatRequest = {
  model: 'probe',
  messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'ping', signature: '' } }, cacheControlJson: '' }], name: '' }],
  sampling: { maxTokens: 1, stop: [] },
  system: [],
  tools: [],
  stream: false,
  includeUsage: false,
  droppedParams: [],
};

/**
 * The active health probe of one deployment the breaker or the outlier detector took out: a
 * one-token request, bounded by the model's first-token timeout. Healthy when the first event
 * is not an error, or an error that is the request's fault rather than the deployment's.
 * `HealthProber` decides when to run it.
 */
export class DeploymentProbe {
  constructor(
    private readonly catalogue: CatalogueStore,
    private readonly calls: DeploymentCalls,
  ) {}

  async run(id: string): Promise<boolean> {
    const found = this.catalogue.deployment(id);
    const adapter = found && this.calls.adapterOf(found.d);
    if (!found || !adapter) return false;
    const ctl = new AbortController();
    const timeouts = this.calls.timeoutsOf(found.model);
    const timer = setTimeout(() => ctl.abort(), timeouts.firstTokenMs);
    timer.unref();
    try {
      const request = { ...PROBE_REQUEST, model: found.model.name };
      for await (const ev of adapter.generate({ request, target: this.calls.targetOf(found.d), timeouts }, ctl.signal)) {
        if (ev.event?.$case === 'error') return !isDeploymentFault(ev.event.value);
        ctl.abort();
        return true;
      }
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
