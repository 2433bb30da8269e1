import { Injectable } from '@nestjs/common';
import type { Prisma } from '@switchyard/db';
import { AdminChanges } from '../audit/admin-changes.service';
import { refuseFileOwned } from '../audit/file-ownership';
import { AdminError } from '../http/admin.error';
import type { AuditContext } from '../http/admin-route';
import { jsonState, sameJson } from '../schemas/json-state';
import type { CreatePlanBody, PlanView, UpdatePlanBody } from './plan.routes';

type PlanRow = Prisma.PlanGetPayload<{ include: { _count: { select: { tenants: true } } } }>;
const WITH_COUNT = { _count: { select: { tenants: true } } } as const;

/** Plans (issue 16). Auth reads them with the keys, so changes announce 'keys'. */
@Injectable()
export class PlansAdminService {
  constructor(private readonly changes: AdminChanges) {}

  async list(): Promise<PlanView[]> {
    return (await this.changes.prisma.plan.findMany({ orderBy: { id: 'asc' }, include: WITH_COUNT })).map(planViewOf);
  }

  async get(id: string): Promise<PlanView> {
    return planViewOf(await findPlan(this.changes.prisma, id));
  }

  create(ctx: AuditContext, body: CreatePlanBody): Promise<PlanView> {
    return this.changes.run(ctx, 'keys', async (tx, audit) => {
      if (await tx.plan.findUnique({ where: { id: body.id }, select: { id: true } })) throw AdminError.conflict(`plan "${body.id}" already exists`);
      refuseStopMultiplier(body.overage ?? 'price', body.overageMultiplier ?? null);
      const row = await tx.plan.create({ data: { id: body.id, ...planData(body) }, include: WITH_COUNT });
      const view = planViewOf(row);
      await audit({ action: 'create', entity: 'plan', entityId: row.id, after: auditState(view) });
      return view;
    });
  }

  update(ctx: AuditContext, id: string, body: UpdatePlanBody): Promise<PlanView> {
    return this.changes.run(ctx, 'keys', async (tx, audit) => {
      const before = planViewOf(await findPlan(tx, id));
      await refuseFileOwned(tx, 'plan', id);
      refuseStopMultiplier(body.overage ?? before.overage, body.overageMultiplier === undefined ? before.overageMultiplier : body.overageMultiplier);
      const after = planViewOf(await tx.plan.update({ where: { id }, data: planData(body), include: WITH_COUNT }));
      if (!sameJson(auditState(before), auditState(after))) await audit({ action: 'update', entity: 'plan', entityId: id, before: auditState(before), after: auditState(after) });
      return after;
    });
  }

  remove(ctx: AuditContext, id: string): Promise<{ deleted: PlanView }> {
    return this.changes.run(ctx, 'keys', async (tx, audit) => {
      const plan = planViewOf(await findPlan(tx, id));
      await refuseFileOwned(tx, 'plan', id);
      // Deleting a plan in use would silently lift its tenants' stop or included usage.
      if (plan.tenants > 0) throw AdminError.conflict(`plan "${id}" has ${plan.tenants} tenant(s) on it: move them to another plan (or none) first`);
      await tx.plan.delete({ where: { id } });
      await audit({ action: 'delete', entity: 'plan', entityId: id, before: auditState(plan) });
      return { deleted: plan };
    });
  }
}

async function findPlan(prisma: Prisma.TransactionClient, id: string): Promise<PlanRow> {
  const row = await prisma.plan.findUnique({ where: { id }, include: WITH_COUNT });
  if (!row) throw AdminError.notFound(`plan "${id}" not found`);
  return row;
}

/** As the file: a multiplier prices overage, so a plan that stops cannot have one. */
function refuseStopMultiplier(overage: string, multiplier: number | null): void {
  if (overage === 'stop' && multiplier !== null) throw AdminError.invalid('overageMultiplier: only a plan with overage: price charges overage; set it to null or overage to price');
}

/** Columns for the fields present; money as strings so no precision is lost on the way. */
interface PlanColumns {
  name?: string | null;
  monthlyFeeUsd?: string;
  includedUsd?: string | null;
  includedTokens?: bigint | null;
  overage?: string;
  overageMultiplier?: string | null;
}

function planData(body: UpdatePlanBody): PlanColumns {
  const data: PlanColumns = {};
  if (body.name !== undefined) data.name = body.name;
  if (body.monthlyFeeUsd !== undefined) data.monthlyFeeUsd = String(body.monthlyFeeUsd);
  if (body.included !== undefined) {
    data.includedUsd = body.included?.usd === undefined ? null : String(body.included.usd);
    data.includedTokens = body.included?.tokens === undefined ? null : BigInt(body.included.tokens);
  }
  if (body.overage !== undefined) data.overage = body.overage;
  if (body.overageMultiplier !== undefined) data.overageMultiplier = body.overageMultiplier === null ? null : String(body.overageMultiplier);
  return data;
}

export function planViewOf(row: PlanRow): PlanView {
  const included = row.includedUsd !== null ? { usd: Number(row.includedUsd.toString()) } : row.includedTokens !== null ? { tokens: Number(row.includedTokens) } : null;
  return {
    id: row.id,
    name: row.name,
    monthlyFeeUsd: Number(row.monthlyFeeUsd.toString()),
    included,
    overage: row.overage === 'stop' ? 'stop' : 'price',
    overageMultiplier: row.overageMultiplier === null ? null : Number(row.overageMultiplier.toString()),
    tenants: row._count.tenants,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function auditState(view: PlanView): Prisma.InputJsonObject {
  const { createdAt: _c, updatedAt: _u, tenants: _t, ...state } = view;
  return jsonState(state);
}
