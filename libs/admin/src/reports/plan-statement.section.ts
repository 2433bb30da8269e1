import type { StatementPeriod, StatementSection, StatementSectionLine, StatementSectionResult } from './statement-section';

/**
 * Prices a tenant's month on its plan: fee, included usage, overage. Plans (issue 16, "Plans")
 * are billing's; the app that mounts the admin API passes their pricing in, since the admin
 * library may not depend on billing's. Resolves no lines when the tenant is on no plan.
 */
export type PlanStatementPricer = (period: StatementPeriod) => Promise<StatementSectionLine[]>;

// tenants.plan_id arrives with the plans migration; before it, there is no plan to report.
const PLAN_COLUMN_EXISTS = `
  SELECT count(*)::int AS n FROM information_schema.columns
   WHERE table_schema = current_schema() AND table_name = 'tenants' AND column_name = 'plan_id'`;

/** The plan section: left out until plans are migrated and a pricer is wired, or for a tenant on no plan. */
export class PlanStatementSection implements StatementSection {
  constructor(private readonly price?: PlanStatementPricer) {}

  async build(p: StatementPeriod): Promise<StatementSectionResult | null> {
    if (!this.price) return null;
    const [column] = await p.db.withSession((s) => s.query<{ n: number }>(PLAN_COLUMN_EXISTS));
    if (!column?.n) return null;
    const lines = await this.price(p);
    return lines.length ? { kind: 'plan', lines } : null;
  }
}
