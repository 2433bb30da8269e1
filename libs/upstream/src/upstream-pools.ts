import { DEFAULT_ROUTING, type OutboundPolicy, outboundConnector } from '@switchyard/config';
import { Agent, type Dispatcher } from 'undici';

/**
 * The adapter's keep-alive connection pools, one undici Agent per connect timeout. undici takes
 * the connect timeout on the connector, for every connection an Agent opens, while ours comes
 * with each call (`Timeouts.connect_ms`: `routing.timeouts.connectMs` or the model's own, sent
 * by the router, so the cluster's adapters honour what the router was configured with). The
 * values are the catalogue's — the routing default and a few model overrides — so there are a
 * handful of Agents, each pooling per origin as one would.
 */
export class UpstreamPools {
  private readonly agents = new Map<number, Agent>();

  constructor(private readonly outbound: OutboundPolicy) {}

  /** The pool whose connections are given `connectMs` to connect (TCP and TLS); 0 means the default. */
  of(connectMs: number | undefined): Dispatcher {
    const timeout = connectMs || DEFAULT_ROUTING.timeouts.connectMs;
    let agent = this.agents.get(timeout);
    if (!agent) {
      agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 256, connect: outboundConnector({ timeout }, this.outbound) });
      this.agents.set(timeout, agent);
    }
    return agent;
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((agent) => agent.close()));
  }
}
