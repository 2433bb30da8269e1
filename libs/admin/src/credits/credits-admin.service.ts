import { Inject, Injectable } from '@nestjs/common';
import { type CreditEntry, loadCreditLedger } from '@switchyard/db';
import type { ReconcileReport } from '@switchyard/ir';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import { AdminChanges } from '../audit/admin-changes.service';
import { AdminError } from '../http/admin.error';
import type { AuditContext } from '../http/admin-route';
import { findTenant } from '../tenants/tenants-admin.service';
import type { BalanceView, CreateCreditBody, CreditKind } from './credit.routes';

type CreditEntryView = Omit<CreditEntry, 'amountUsd' | 'createdAt' | 'kind'> & { amountUsd: number; kind: CreditKind; createdAt: string };

/**
 * The prepaid-credit ledger (docs/architecture.md §5, "Billing: credit and reconciliation"):
 * entries are appended with their audit row in one transaction, and announced on the `keys`
 * topic, which makes every auth replica reload the tenant's credits with its keys. There is no
 * update or delete: a mistake is corrected by another entry.
 */
@Injectable()
export class CreditsAdminService {
  constructor(
    private readonly changes: AdminChanges,
    @Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'credit' | 'db'>,
  ) {}

  async create(ctx: AuditContext, tenantId: string, body: CreateCreditBody): Promise<{ entry: CreditEntryView; balance: BalanceView }> {
    const kind: CreditKind = body.kind ?? (body.amountUsd > 0 ? 'top_up' : 'adjustment');
    const entry = await this.changes.run(ctx, 'keys', async (tx, audit) => {
      await findTenant(tx, tenantId);
      const row = await tx.creditEntry.create({ data: { tenantId, amountUsd: body.amountUsd.toFixed(9), kind, actor: ctx.actor, reason: body.reason } });
      const view = entryView(row);
      await audit({ action: 'create', entity: 'credit', entityId: tenantId, after: { ...view } });
      return view;
    });
    return { entry, balance: await this.balance(tenantId) };
  }

  async list(tenantId: string, before: string | undefined, limit: number): Promise<CreditEntryView[]> {
    await findTenant(this.changes.prisma, tenantId);
    const rows = await this.changes.prisma.creditEntry.findMany({
      where: { tenantId, ...(before && { createdAt: { lt: new Date(before) } }) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.map(entryView);
  }

  async balance(tenantId: string): Promise<BalanceView> {
    await findTenant(this.changes.prisma, tenantId);
    const t = (await loadCreditLedger(this.options.db, tenantId)).get(tenantId);
    if (!t) return { tenantId, prepaid: false, prepaidSince: null, creditsUsd: 0, spentUsd: 0, balanceUsd: 0, reservedUsd: 0, inFlight: 0, availableUsd: 0 };
    // The live counters; null when this server cannot read them, or they do not answer.
    const live = await this.options.credit?.liveBalance?.(tenantId).catch(() => undefined);
    const balanceNano = t.creditsNano - t.spentNano;
    return {
      tenantId,
      prepaid: true,
      prepaidSince: t.since.toISOString(),
      creditsUsd: t.creditsNano / 1e9,
      spentUsd: t.spentNano / 1e9,
      balanceUsd: balanceNano / 1e9,
      reservedUsd: live ? live.reservedUsd : null,
      inFlight: live ? live.inFlight : null,
      // What admission sees: the live spent counter (ahead of the ledger by the usage still
      // queued, or off it until reconciliation fixes a drift), else the ledger's.
      availableUsd: live ? (t.creditsNano - (live.counted ? Math.round(live.spentUsd * 1e9) : t.spentNano) - Math.round(live.reservedUsd * 1e9)) / 1e9 : null,
    };
  }

  async reconcile(): Promise<ReconcileReport> {
    if (!this.options.credit) throw new AdminError('unavailable', 'reconciliation is not available on this server');
    return this.options.credit.reconcile().catch((e: unknown) => {
      throw new AdminError('unavailable', `reconciliation did not answer: ${e instanceof Error ? e.message : String(e)}`);
    });
  }
}

function entryView(r: CreditEntry): CreditEntryView {
  return { ...r, amountUsd: Number(r.amountUsd.toString()), kind: r.kind as CreditKind, createdAt: r.createdAt.toISOString() };
}
