import { Logger } from '@nestjs/common';
import { type Database, loadCreditLedger } from '@switchyard/db';
import type { CounterFix, ReconcileReport } from '@switchyard/ir';
import { metricSeries } from '@switchyard/telemetry';
import { nanoToUsd, periodsAt } from '../quota/quota-units';
import type { BalanceStore } from './balance.types';
import type { RedisBudgetCounters } from './redis-budget.counters';
import { PLAN_SCOPE_PREFIX, PLAN_TOKENS_SCOPE_PREFIX } from '../plan-quota';

export interface CounterReconcilerOptions {
  db: Database;
  balance: BalanceStore;
  /** The Redis budget counters; absent in memory mode (in-process counters cannot miss a settle). */
  budgets?: RedisBudgetCounters;
  /** Usage events still on their way to the ledger; a run with a backlog compares nothing. */
  pendingUsage?: () => Promise<number>;
}

interface SpendRow {
  tenant_id: string;
  key_id: string;
  day: string;
  month: string;
  /** Input + output tokens this month: a token plan's counter holds one token as one nano-dollar. */
  tokens: string;
}

/**
 * Rebuilds the live counters from the ledger (docs/architecture.md §5, "Billing: credit and
 * reconciliation"): each prepaid tenant's spent (usage since its first credit entry), and the
 * spent of today's and this month's budget counters of every budgeted tenant and key. A
 * difference is added to the counter as a delta, so settles that land meanwhile are kept, then
 * logged, counted in switchyard_counter_fixes_total and returned.
 *
 * Usage in transit (settled, not yet in the ledger) would look like drift: a run refuses to start
 * while the usage queue has a backlog, and what still slips through (an event between the reads)
 * is undone by the next run, which compares again. Runs are repeatable and converge.
 */
export class CounterReconciler {
  private readonly log = new Logger(CounterReconciler.name);

  constructor(private readonly options: CounterReconcilerOptions) {}

  async run(now = Date.now()): Promise<ReconcileReport> {
    const startedAt = new Date(now).toISOString();
    const pending = (await this.options.pendingUsage?.()) ?? 0;
    if (pending > 0) {
      return { startedAt, finishedAt: new Date().toISOString(), checked: 0, fixes: [], skipped: `${pending} usage event(s) not yet in the ledger; the next run compares` };
    }
    const fixes: CounterFix[] = [];
    let checked = 0;
    for (const t of (await loadCreditLedger(this.options.db)).values()) {
      const live = await this.options.balance.usage(t.tenantId, now);
      if (!live.seeded) continue; // seeded from the ledger at its next admission
      checked++;
      if (live.spentNano !== t.spentNano) {
        await this.options.balance.adjustSpent(t.tenantId, t.spentNano - live.spentNano);
        fixes.push(fix('balance', `tenant:${t.tenantId}`, '', live.spentNano, t.spentNano));
      }
    }
    if (this.options.budgets) checked += await this.budgets(now, fixes);
    for (const f of fixes) {
      this.log.warn(`counter fixed: ${f.counter} of ${f.scope}${f.period ? ` (${f.period})` : ''} was $${f.counterUsd}, ledger $${f.ledgerUsd}, delta $${f.deltaUsd}`);
      metricSeries().counterFixes.child({ counter: f.counter }).inc();
    }
    return { startedAt, finishedAt: new Date().toISOString(), checked, fixes };
  }

  /** Today's and this month's budget counters of every budgeted scope. */
  private async budgets(now: number, fixes: CounterFix[]): Promise<number> {
    const budgets = this.options.budgets;
    if (!budgets) return 0;
    const p = periodsAt(now);
    const monthStart = new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1));
    const prisma = this.options.db.prisma;
    const budgeted = { OR: [{ dailyBudgetUsd: { not: null } }, { monthlyBudgetUsd: { not: null } }] };
    const [tenants, keys, planned, rows] = await Promise.all([
      prisma.tenant.findMany({ where: budgeted, select: { id: true } }),
      prisma.virtualKey.findMany({ where: budgeted, select: { id: true } }),
      // A plan's included usage is a monthly budget in its own scope (plan-quota.ts).
      prisma.tenant.findMany({ where: { planId: { not: null } }, select: { id: true, plan: { select: { includedTokens: true } } } }),
      // Counted by start, as admission counted them: a request belongs to the day it was admitted in.
      prisma.$queryRaw<SpendRow[]>`
        SELECT tenant_id, key_id,
          (coalesce(sum(cost_usd) FILTER (WHERE started_at >= ${new Date(p.dayStart)}), 0) * 1000000000)::bigint::text AS day,
          (sum(cost_usd) * 1000000000)::bigint::text AS month,
          sum(input_tokens + output_tokens)::text AS tokens
        FROM usage_records WHERE started_at >= ${monthStart} AND started_at < ${new Date(p.monthEnd)}
        GROUP BY tenant_id, key_id`,
    ]);
    const ledger = new Map<string, { day: number; month: number }>();
    const add = (scope: string, r: SpendRow) => {
      const e = ledger.get(scope) ?? { day: 0, month: 0 };
      e.day += Number(r.day);
      e.month += Number(r.month);
      ledger.set(scope, e);
    };
    for (const r of rows) {
      add(`tenant:${r.tenant_id}`, r);
      add(`key:${r.key_id}`, r);
      add(`${PLAN_SCOPE_PREFIX}${r.tenant_id}`, r);
      add(`${PLAN_TOKENS_SCOPE_PREFIX}${r.tenant_id}`, { ...r, day: '0', month: r.tokens });
    }
    let checked = 0;
    const scopes = [...tenants.map((t) => `tenant:${t.id}`), ...keys.map((k) => `key:${k.id}`)];
    for (const t of planned) {
      const scope = (t.plan?.includedTokens === null || t.plan?.includedTokens === undefined ? PLAN_SCOPE_PREFIX : PLAN_TOKENS_SCOPE_PREFIX) + t.id;
      const want = ledger.get(scope)?.month ?? 0;
      const have = await budgets.spent(scope, 'm', p.monthId);
      if (have === undefined) continue;
      checked++;
      if (have === want) continue;
      await budgets.adjust(scope, 'm', p.monthId, want - have);
      fixes.push(fix('plan', scope, p.monthId, have, want));
    }
    for (const scope of scopes) {
      const want = ledger.get(scope) ?? { day: 0, month: 0 };
      for (const [period, id, counter, nano] of [['d', p.dayId, 'daily_budget', want.day], ['m', p.monthId, 'monthly_budget', want.month]] as const) {
        const have = await budgets.spent(scope, period, id);
        if (have === undefined) continue; // no admission this period yet: nothing counted to correct
        checked++;
        if (have === nano) continue;
        await budgets.adjust(scope, period, id, nano - have);
        fixes.push(fix(counter, scope, id, have, nano));
      }
    }
    return checked;
  }
}

function fix(counter: string, scope: string, period: string, counterNano: number, ledgerNano: number): CounterFix {
  return { counter, scope, period, counterUsd: nanoToUsd(counterNano), ledgerUsd: nanoToUsd(ledgerNano), deltaUsd: nanoToUsd(ledgerNano - counterNano) };
}
