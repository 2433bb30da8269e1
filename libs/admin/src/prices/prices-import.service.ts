import { Injectable } from '@nestjs/common';
import type { Prisma } from '@switchyard/db';
import { AdminChanges } from '../audit/admin-changes.service';
import { refuseFileOwned } from '../audit/file-ownership';
import type { AuditContext } from '../http/admin-route';
import { modelInclude, priceViewOf } from '../models/model.presenter';
import { insertPrice } from '../models/models-admin.service';
import { PRICE_FIELDS, type PriceRates, readCommunityPriceFile } from './community-price-file';
import { type CatalogueModel, planPriceImport } from './price-import.plan';
import type { ImportPricesView } from './price-import.routes';

/** Imports the community price file into the catalogue's append-only prices. Changes announce 'catalogue'. */
@Injectable()
export class PricesImportService {
  constructor(private readonly changes: AdminChanges) {}

  async import(ctx: AuditContext, file: Record<string, unknown>, dryRun: boolean): Promise<ImportPricesView> {
    const { entries, problems } = readCommunityPriceFile(file);
    const plan = planPriceImport(await catalogue(this.changes.prisma), entries);
    if (!dryRun && plan.changed.length > 0) {
      await this.changes.run(ctx, 'catalogue', async (tx, audit) => {
        for (const p of plan.changed) await refuseFileOwned(tx, 'price', p.model, `the price of model "${p.model}"`);
        for (const p of plan.changed) await insertPrice(tx, audit, p.model, p.next);
      });
    }
    // In file order, the malformed entries with what is wrong with them.
    const reasons = new Map([...plan.skipped.map((s) => [s.entry, s.reason] as const), ...problems.map((p) => [p.key, p.reason] as const)]);
    const skipped = Object.keys(file).flatMap((entry) => {
      const reason = reasons.get(entry);
      return reason === undefined ? [] : [{ entry, reason }];
    });
    return { dryRun, changed: plan.changed.map(({ next: _next, ...p }) => p), unchanged: plan.unchanged, skipped };
  }
}

async function catalogue(prisma: Prisma.TransactionClient): Promise<CatalogueModel[]> {
  const rows = await prisma.model.findMany({ include: modelInclude(), orderBy: { name: 'asc' } });
  return rows.map((m) => {
    const latest = m.prices[0];
    return { name: m.name, upstreamModels: m.deployments.map((d) => d.upstreamModel), current: latest ? ratesOf(priceViewOf(latest)) : null };
  });
}

function ratesOf(view: Record<(typeof PRICE_FIELDS)[number], number | null>): PriceRates {
  const rates: PriceRates = {};
  for (const f of PRICE_FIELDS) if (view[f] !== null) rates[f] = view[f];
  return rates;
}
