import { Injectable } from '@nestjs/common';
import type { Prisma, Tenant } from '@switchyard/db';
import { retireSecrets } from '../keys/retired-secrets';
import { refuseFileOwned } from '../audit/file-ownership';
import { AdminChanges } from '../audit/admin-changes.service';
import { AdminError } from '../http/admin.error';
import type { AuditContext } from '../http/admin-route';
import { accessLimitData, accessLimitsOf } from '../schemas/access-limits.mapper';
import { jsonState, sameJson } from '../schemas/json-state';
import type { CreateTenantBody, TenantView, UpdateTenantBody } from './tenant.routes';

/** Tenants: their limits apply to all their keys together. Changes announce 'keys'. */
@Injectable()
export class TenantsAdminService {
  constructor(private readonly changes: AdminChanges) {}

  async list(): Promise<TenantView[]> {
    return (await this.changes.prisma.tenant.findMany({ orderBy: { id: 'asc' } })).map(tenantViewOf);
  }

  async get(id: string): Promise<TenantView> {
    return tenantViewOf(await findTenant(this.changes.prisma, id));
  }

  create(ctx: AuditContext, body: CreateTenantBody): Promise<TenantView> {
    return this.changes.run(ctx, 'keys', async (tx, audit) => {
      if (await tx.tenant.findUnique({ where: { id: body.id }, select: { id: true } })) throw AdminError.conflict(`tenant "${body.id}" already exists`);
      await refuseUnknownPlan(tx, body.plan);
      const row = await tx.tenant.create({ data: { id: body.id, name: body.name ?? null, ...accessLimitData(body), ...observabilityData(body), ...billingData(body), ...auditData(body), ...corsData(body), priceMultiplier: body.priceMultiplier ?? null } });
      const view = tenantViewOf(row);
      await audit({ action: 'create', entity: 'tenant', entityId: row.id, after: auditState(view) });
      return view;
    });
  }

  update(ctx: AuditContext, id: string, body: UpdateTenantBody): Promise<TenantView> {
    return this.changes.run(ctx, 'keys', async (tx, audit) => {
      const before = tenantViewOf(await findTenant(tx, id));
      await refuseFileOwned(tx, 'tenant', id);
      await refuseUnknownPlan(tx, body.plan);
      const data = { ...accessLimitData(body), ...observabilityData(body), ...billingData(body), ...auditData(body), ...corsData(body), ...(body.name !== undefined && { name: body.name }), ...(body.priceMultiplier !== undefined && { priceMultiplier: body.priceMultiplier }) };
      const after = tenantViewOf(await tx.tenant.update({ where: { id }, data }));
      if (!sameJson(auditState(before), auditState(after))) {
        await audit({ action: 'update', entity: 'tenant', entityId: id, before: auditState(before), after: auditState(after) });
      }
      return after;
    });
  }

  remove(ctx: AuditContext, id: string): Promise<{ deleted: TenantView; keysDeleted: number }> {
    return this.changes.run(ctx, 'keys', async (tx, audit) => {
      const tenant = tenantViewOf(await findTenant(tx, id));
      await refuseFileOwned(tx, 'tenant', id);
      const keys = await tx.virtualKey.findMany({ where: { tenantId: id } });
      // The keys go with the tenant (ON DELETE CASCADE); each is audited so its own history ends,
      // and their secrets are retired so a stale config file cannot bring them back.
      await retireSecrets(tx, keys, 'deleted', { current: true, previous: true });
      await tx.tenant.delete({ where: { id } });
      for (const k of keys) await audit({ action: 'delete', entity: 'key', entityId: k.id, before: { tenantId: id, name: k.name, prefix: k.prefix, deletedWith: 'tenant' } });
      await audit({ action: 'delete', entity: 'tenant', entityId: id, before: { ...auditState(tenant), keys: keys.length } });
      return { deleted: tenant, keysDeleted: keys.length };
    });
  }
}

export async function findTenant(prisma: Prisma.TransactionClient, id: string): Promise<Tenant> {
  const row = await prisma.tenant.findUnique({ where: { id } });
  if (!row) throw AdminError.notFound(`tenant "${id}" not found`);
  return row;
}

export function tenantViewOf(row: Tenant): TenantView {
  return {
    id: row.id,
    name: row.name,
    ...accessLimitsOf(row),
    priceMultiplier: row.priceMultiplier === null ? null : Number(row.priceMultiplier.toString()),
    observability: { captureContent: row.captureContent },
    plan: row.planId,
    alerts: { spend: row.spendAlerts },
    audit: { captureBodies: row.auditCaptureBodies },
    cors: { origins: row.corsOrigins },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The tenant-only columns of a body's `observability` (absent: left as stored). */
function observabilityData(body: Pick<UpdateTenantBody, 'observability'>): { captureContent?: boolean } {
  return body.observability ? { captureContent: body.observability.captureContent } : {};
}

/** The billing columns of a body (absent: left as stored). */
function billingData(body: Pick<UpdateTenantBody, 'plan' | 'alerts'>): { planId?: string | null; spendAlerts?: number[] } {
  return { ...(body.plan !== undefined && { planId: body.plan }), ...(body.alerts && { spendAlerts: body.alerts.spend }) };
}

/** 400 rather than a foreign-key failure: the plan must exist before a tenant is put on it. */
async function refuseUnknownPlan(tx: Prisma.TransactionClient, plan: string | null | undefined): Promise<void> {
  if (plan && !(await tx.plan.findUnique({ where: { id: plan }, select: { id: true } }))) throw AdminError.invalid(`plan: unknown plan "${plan}"; create it first (POST /admin/v1/plans)`);
}

/** The tenant-only columns of a body's `audit` (absent: left as stored). */
function auditData(body: Pick<UpdateTenantBody, 'audit'>): { auditCaptureBodies?: boolean } {
  return body.audit ? { auditCaptureBodies: body.audit.captureBodies } : {};
}

/** The tenant's own CORS origins (absent: left as stored). */
function corsData(body: Pick<UpdateTenantBody, 'cors'>): { corsOrigins?: string[] } {
  return body.cors ? { corsOrigins: body.cors.origins } : {};
}

function auditState(view: TenantView): Prisma.InputJsonObject {
  const { createdAt: _c, updatedAt: _u, ...state } = view;
  return jsonState(state);
}
