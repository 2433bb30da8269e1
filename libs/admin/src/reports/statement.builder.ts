import { loadPeriodBalance, statementUsageLines, type Database, type PeriodBalance, type StatementUsageLine } from '@switchyard/db';
import { nanoUsdOf, usdOfNano } from '@switchyard/shared';
import { AdminError } from '../http/admin.error';
import type { StatementSection, StatementSectionResult } from './statement-section';

/** Upstream cost and margin over the requests whose deployment declares an upstream cost; null when none does. */
interface UpstreamView {
  upstreamCostUsd: string | null;
  upstreamCostNanoUsd: string | null;
  marginUsd: string | null;
  marginNanoUsd: string | null;
  costedRequests: number;
}

type UsageLineView = Omit<StatementUsageLine, 'costUsd' | 'upstreamCostUsd' | 'marginUsd' | 'costedRequests'> & { costUsd: string; costNanoUsd: string } & UpstreamView;

export interface StatementView {
  tenantId: string;
  month: string;
  from: string;
  to: string;
  currency: 'USD';
  lines: UsageLineView[];
  /** The sum of the lines: exactly the sum of the month's raw usage rows. */
  usage: { requests: number; costUsd: string; costNanoUsd: string } & UpstreamView;
  sections: { kind: string; lines: { label: string; at?: string; amountUsd: string; amountNanoUsd: string }[]; totalUsd: string; totalNanoUsd: string }[];
  /** A prepaid tenant's balance over the month, from the credit ledger; null when it was not prepaid by the month's end. */
  balance: BalanceView | null;
}

interface BalanceView {
  prepaidSince: string;
  openingUsd: string;
  openingNanoUsd: string;
  creditsUsd: string;
  creditsNanoUsd: string;
  usageUsd: string;
  usageNanoUsd: string;
  closingUsd: string;
  closingNanoUsd: string;
}

/**
 * A tenant's monthly statement (issue 16): one usage line per model and key from the monthly
 * rollups, summed in integer nano-dollars so the total is exact (the upstream cost and margin
 * too, over the requests that declare one), then each section provider's part.
 */
export class StatementBuilder {
  constructor(
    private readonly db: Database,
    private readonly sections: readonly StatementSection[],
  ) {}

  async build(tenantId: string, month: string): Promise<StatementView> {
    const from = new Date(`${month}-01T00:00:00Z`);
    const to = new Date(from);
    to.setUTCMonth(to.getUTCMonth() + 1);
    const [tenant, lines, balance] = await Promise.all([
      this.db.prisma.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }),
      statementUsageLines(this.db, tenantId, from, to),
      loadPeriodBalance(this.db, tenantId, from, to),
    ]);
    // A deleted tenant's past usage is still billable: only a tenant with neither is unknown.
    if (!tenant && lines.length === 0) throw AdminError.notFound(`tenant "${tenantId}" not found`);
    let usageNano = 0n;
    let requests = 0;
    const upstream = { nano: 0n, marginNano: 0n, costed: 0 };
    const views = lines.map((l) => {
      const nano = nanoUsdOf(l.costUsd);
      usageNano += nano;
      requests += l.requests;
      const up = l.upstreamCostUsd === null ? 0n : nanoUsdOf(l.upstreamCostUsd);
      const margin = l.marginUsd === null ? 0n : nanoUsdOf(l.marginUsd);
      upstream.nano += up;
      upstream.marginNano += margin;
      upstream.costed += l.costedRequests;
      return { ...l, costUsd: usdOfNano(nano), costNanoUsd: nano.toString(), ...upstreamView(up, margin, l.costedRequests) };
    });
    const period = { db: this.db, tenantId, month, from, to, usageNanoUsd: usageNano };
    const built = await Promise.all(this.sections.map((s) => s.build(period)));
    return {
      tenantId,
      month,
      from: from.toISOString(),
      to: to.toISOString(),
      currency: 'USD',
      lines: views,
      usage: { requests, costUsd: usdOfNano(usageNano), costNanoUsd: usageNano.toString(), ...upstreamView(upstream.nano, upstream.marginNano, upstream.costed) },
      sections: built.filter((s): s is StatementSectionResult => s !== null).map(sectionView),
      balance: balance ? balanceView(balance) : null,
    };
  }
}

function balanceView(b: PeriodBalance): BalanceView {
  return {
    prepaidSince: b.since.toISOString(),
    openingUsd: usdOfNano(b.openingNano),
    openingNanoUsd: b.openingNano.toString(),
    creditsUsd: usdOfNano(b.creditsNano),
    creditsNanoUsd: b.creditsNano.toString(),
    usageUsd: usdOfNano(b.usageNano),
    usageNanoUsd: b.usageNano.toString(),
    closingUsd: usdOfNano(b.closingNano),
    closingNanoUsd: b.closingNano.toString(),
  };
}

function upstreamView(nano: bigint, marginNano: bigint, costedRequests: number): UpstreamView {
  if (!costedRequests) return { upstreamCostUsd: null, upstreamCostNanoUsd: null, marginUsd: null, marginNanoUsd: null, costedRequests: 0 };
  return { upstreamCostUsd: usdOfNano(nano), upstreamCostNanoUsd: nano.toString(), marginUsd: usdOfNano(marginNano), marginNanoUsd: marginNano.toString(), costedRequests };
}

function sectionView(s: StatementSectionResult): StatementView['sections'][number] {
  const total = s.lines.reduce((sum, l) => sum + l.amountNanoUsd, 0n);
  return {
    kind: s.kind,
    lines: s.lines.map((l) => ({ label: l.label, ...(l.at !== undefined && { at: l.at }), amountUsd: usdOfNano(l.amountNanoUsd), amountNanoUsd: l.amountNanoUsd.toString() })),
    totalUsd: usdOfNano(total),
    totalNanoUsd: total.toString(),
  };
}
