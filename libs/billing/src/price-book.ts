import { type Database, loadDeploymentCosts, loadPriceHistory, loadPriceMultipliers } from '@switchyard/db';
import type { Usage } from '@switchyard/ir';
import { type ModelPrice, priceAt, usageCostNanos } from '@switchyard/shared';

const REFRESH_MS = 30_000;

/** What one request is charged and what it cost upstream, in nano-dollars. */
export interface Charge {
  costNanos: bigint;
  /** The tenant's multiplier applied to costNanos; undefined = none. */
  multiplier: number | undefined;
  /** At the deployment's declared cost; undefined when the deployment declares none. */
  upstreamNanos: bigint | undefined;
}

export interface ChargeInput {
  model: string;
  tenantId: string;
  deploymentId: string;
  usage: Usage | undefined;
  /** Epoch ms the request started: the catalogue price in force then applies. */
  at: number;
  batch: boolean;
}

/**
 * Prices per million tokens by public model, with history: a request is charged at the price
 * in force when it started, so a price change never re-prices past usage. Also the tenants'
 * multipliers and the deployments' upstream costs, both current values (docs/architecture.md,
 * "Billing: prices" says why those keep no history).
 */
export class PriceBook {
  private prices = new Map<string, ModelPrice[]>();
  private multipliers = new Map<string, number>();
  private upstream = new Map<string, ModelPrice>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(private readonly db: Database) {}

  async refresh(): Promise<void> {
    [this.prices, this.multipliers, this.upstream] = await Promise.all([loadPriceHistory(this.db), loadPriceMultipliers(this.db), loadDeploymentCosts(this.db)]);
    this.loadedAt = Date.now();
  }

  /** Charged cost in USD (catalogue price × the tenant's multiplier); 0 for a model without a price. */
  async cost(model: string, usage: Usage | undefined, at: number, tenantId = ''): Promise<number> {
    const { costNanos } = await this.charge({ model, tenantId, deploymentId: '', usage, at, batch: false });
    return Number(costNanos) / 1e9;
  }

  /** A model without a price is still recorded, with its tokens, at cost 0. */
  async charge(c: ChargeInput): Promise<Charge> {
    if (Date.now() - this.loadedAt > REFRESH_MS) await (this.loading ??= this.refresh().finally(() => (this.loading = undefined)));
    const multiplier = this.multipliers.get(c.tenantId);
    const deployment = c.deploymentId ? this.upstream.get(c.deploymentId) : undefined;
    return {
      costNanos: usageCostNanos(priceAt(this.prices.get(c.model), c.at), c.usage, { batch: c.batch, multiplier }),
      multiplier,
      upstreamNanos: deployment && usageCostNanos(deployment, c.usage, { batch: c.batch }),
    };
  }
}
