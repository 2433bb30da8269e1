import { Logger } from '@nestjs/common';
import type { RoutingTimeouts } from '@switchyard/config';
import { ErrorKind } from '@switchyard/ir';
import type { AdapterPort, AdapterPorts, ErrorEvent, Target, Timeouts } from '@switchyard/ir';
import { ADAPTER_FAMILY_OF, UPSTREAM_FAULTS } from '@switchyard/providers';
import type { DeploymentEntry, ModelEntry } from '../catalogue.types';


/**
 * What a call to a deployment is sent with: the adapter of its provider family, the target
 * (several API keys of one provider take turns) and the timeouts (routing.timeouts with the
 * model's own overrides).
 */
export class DeploymentCalls {
  // Under the router's name: operators read these lines as the router's.
  private readonly log = new Logger('RouterService');
  private keyCursor = 0;

  constructor(
    private readonly adapters: AdapterPorts,
    private readonly timeouts: RoutingTimeouts,
  ) {}

  adapterOf(d: DeploymentEntry): AdapterPort | undefined {
    // A family whose adapter this router was not given (ADAPTER_GRPC_URLS lacks it) has none.
    return this.adapters.get(ADAPTER_FAMILY_OF[d.provider.type]);
  }

  targetOf(d: DeploymentEntry): Target {
    const keys = d.provider.apiKeys;
    const apiKeyRef = keys.length ? (keys[this.keyCursor++ % keys.length] ?? '') : '';
    const p = d.provider;
    return { deploymentId: d.id, providerId: p.id, providerType: p.type, baseUrl: p.baseUrl, apiKeyRef, upstreamModel: d.upstreamModel, optionsJson: p.optionsJson, passthroughJson: p.passthroughJson ?? '' };
  }

  timeoutsOf(model: ModelEntry): Timeouts {
    const t = { ...this.timeouts, ...model.timeouts };
    return { connectMs: t.connectMs, firstTokenMs: t.firstTokenMs, idleMs: t.idleMs, totalMs: t.totalMs };
  }

  /**
   * A deployment whose provider family no adapter serves (ADAPTER_GRPC_URLS lacks it) is the
   * gateway's misconfiguration: the operator gets the details, the tenant the fixed text that
   * says so (docs/architecture.md, "Upstream errors").
   */
  noAdapter(d: DeploymentEntry): ErrorEvent {
    this.log.error(`no adapter serves provider type ${d.provider.type} (deployment ${d.id})`);
    return { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: UPSTREAM_FAULTS['gateway-misconfigured'].text, retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] };
  }
}
