import type { StatementPeriod, StatementSection, StatementSectionLine, StatementSectionResult } from './statement-section';

/**
 * Prices a tenant's month on its plan: fee, included usage, overage. Plans (issue 16, "Plans")
 * are billing's; the app that mounts the admin API passes their pricing in, since the admin
 * library may not depend on billing's. Resolves no lines when the tenant is on no plan.
 */
export type PlanStatementPricer = (period: StatementPeriod) => Promise<StatementSectionLine[]>;

/** The plan section: left out without a pricer, or for a tenant on no plan. */
export class PlanStatementSection implements StatementSection {
  constructor(private readonly price?: PlanStatementPricer) {}

  async build(p: StatementPeriod): Promise<StatementSectionResult | null> {
    if (!this.price) return null;
    const lines = await this.price(p);
    return lines.length ? { kind: 'plan', lines } : null;
  }
}
