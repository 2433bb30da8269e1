import type { DescribeKeyResponse, ScopeLimits, ScopeUsage, TenantPlanView } from '@switchyard/ir';

/** Spend in USD from the ledger, for the key and for its tenant; undefined where no ledger is reachable. */
export interface LedgerSpend {
  key: { todayUsd: number; monthUsd: number };
  /** `monthTokens`: input + output this month, what a token plan counts. */
  tenant: { todayUsd: number; monthUsd: number; monthTokens?: number };
}

type Scope = 'key' | 'tenant';

/** UTC day and month boundaries, the periods the quota store counts budgets in. */
export function periodsOf(now: number): { today: string; monthStart: string; dayEnds: number; monthEnds: number } {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const today = d.toISOString().slice(0, 10);
  return {
    today,
    monthStart: `${today.slice(0, 8)}01`,
    dayEnds: Date.UTC(y, m, d.getUTCDate() + 1),
    monthEnds: Date.UTC(y, m + 1, 1),
  };
}

const seconds = (ms: number) => Math.floor(ms / 1000);
// Money as the ledger keeps it (6 decimals), without float noise such as 0.30000000000000004.
const usd = (v: number) => Math.round(v * 1e6) / 1e6;
// A prepaid balance is kept to the nano-dollar (credit_entries.amount_usd is numeric(18,9)).
const nanoRound = (v: number) => Math.round(v * 1e9) / 1e9;

function limitsOf(l: ScopeLimits | undefined) {
  return { rpm: l?.rpm ?? null, tpm: l?.tpm ?? null, max_concurrency: l?.concurrency ?? null };
}

/** The least remaining of the scopes that limit `dimension`; null when none does. */
function remaining(d: DescribeKeyResponse, limit: (l: ScopeLimits) => number | undefined, used: (u: ScopeUsage) => number): number | null {
  let least: number | null = null;
  for (const [l, u] of [[d.keyLimits, d.keyUsage], [d.tenantLimits, d.tenantUsage]] as const) {
    const max = l && limit(l);
    if (max === undefined) continue;
    const left = Math.max(0, max - (u ? used(u) : 0));
    least = least === null ? left : Math.min(least, left);
  }
  return least;
}

function budgets(d: DescribeKeyResponse, now: number) {
  const { dayEnds, monthEnds } = periodsOf(now);
  const out = [];
  for (const [scope, l, u] of [['key', d.keyLimits, d.keyUsage], ['tenant', d.tenantLimits, d.tenantUsage]] as [Scope, ScopeLimits | undefined, ScopeUsage | undefined][]) {
    for (const period of ['daily', 'monthly'] as const) {
      const limit = period === 'daily' ? l?.dailyBudgetUsd : l?.monthlyBudgetUsd;
      if (limit === undefined) continue;
      const used = (period === 'daily' ? u?.daySpentUsd : u?.monthSpentUsd) ?? 0;
      const reserved = (period === 'daily' ? u?.dayReservedUsd : u?.monthReservedUsd) ?? 0;
      out.push({
        scope,
        period,
        limit_usd: usd(limit),
        used_usd: usd(used),
        // Requests in flight hold their maximum cost until they end, as admission counts them.
        reserved_usd: usd(reserved),
        remaining_usd: usd(Math.max(0, limit - used - reserved)),
        resets_at: seconds(period === 'daily' ? dayEnds : monthEnds),
      });
    }
  }
  return out;
}

/**
 * The tenant's plan: its terms, and this month's usage in its unit — from the plan's counter when
 * admission keeps one (what `stop` refuses by; in-flight requests hold their maximum), else from
 * the ledger (`used_from`), else null. `remaining` = included − used − reserved, at least 0.
 */
function planOf(p: TenantPlanView | undefined, spend: LedgerSpend | undefined, now: number) {
  if (!p) return null;
  const tokens = p.unit === 'tokens';
  const ledger = tokens ? spend?.tenant.monthTokens : spend?.tenant.monthUsd;
  const used = p.used ?? ledger;
  const reserved = p.used === undefined ? 0 : (p.reserved ?? 0);
  const amount = (v: number) => (tokens ? Math.round(v) : usd(v));
  return {
    id: p.id,
    name: p.name || null,
    unit: p.unit,
    included: amount(p.included),
    used: used === undefined ? null : amount(used),
    reserved: used === undefined ? null : amount(reserved),
    remaining: used === undefined ? null : amount(Math.max(0, p.included - used - reserved)),
    used_from: p.used !== undefined ? 'quota' : used === undefined ? null : 'ledger',
    overage: p.overage,
    resets_at: seconds(periodsOf(now).monthEnds),
  };
}

/**
 * GET /v1/me's body in OpenAI's conventions (docs/architecture.md §3): an `object` tag,
 * snake_case, times in Unix seconds, absent limits as null. `balance` is null unless the tenant
 * is prepaid, `plan` unless it is on a plan (issue 16).
 */
export function renderMe(d: DescribeKeyResponse, spend: LedgerSpend | undefined, now: number): string {
  return JSON.stringify({
    object: 'switchyard.me',
    tenant: { id: d.tenantId, name: d.tenantName || null, models: d.tenantModels },
    key: { id: d.keyId, prefix: d.keyPrefix, name: d.keyName || null, expires_at: d.expiresAtMs ? seconds(d.expiresAtMs) : null, models: d.models },
    limits: { key: limitsOf(d.keyLimits), tenant: limitsOf(d.tenantLimits) },
    remaining: {
      requests_per_minute: remaining(d, (l) => l.rpm, (u) => u.requests),
      tokens_per_minute: remaining(d, (l) => l.tpm, (u) => u.tokens),
    },
    budgets: budgets(d, now),
    balance: d.balance
      ? { credits_usd: nanoRound(d.balance.creditsUsd), spent_usd: nanoRound(d.balance.spentUsd), reserved_usd: nanoRound(d.balance.reservedUsd), available_usd: nanoRound(d.balance.availableUsd) }
      : null,
    plan: planOf(d.plan, spend, now),
    spend: spend
      ? {
          key: { today_usd: usd(spend.key.todayUsd), month_usd: usd(spend.key.monthUsd) },
          tenant: { today_usd: usd(spend.tenant.todayUsd), month_usd: usd(spend.tenant.monthUsd) },
        }
      : null,
  });
}
