import { Injectable } from '@nestjs/common';
import type { AdminToken, Prisma } from '@switchyard/db';
import { AdminChanges } from '../audit/admin-changes.service';
import { AdminError } from '../http/admin.error';
import type { AuditContext } from '../http/admin-route';
import type { AdminRole } from '../roles/admin-principal';
import { findTenant } from '../tenants/tenants-admin.service';
import { newAdminTokenSecret } from './admin-token-secret';
import type { AdminTokenView, AdminTokenWithSecret, CreateAdminTokenBody } from './admin-token.routes';

/**
 * Named admin tokens. Secrets are made here, returned once and stored only as their sha256 and
 * prefix; views and audit rows never carry a hash. Changes announce 'admin-tokens', which
 * empties every replica's AdminTokenRegistry.
 */
@Injectable()
export class AdminTokensAdminService {
  constructor(private readonly changes: AdminChanges) {}

  async list(): Promise<AdminTokenView[]> {
    const rows = await this.changes.prisma.adminToken.findMany({ orderBy: { createdAt: 'asc' } });
    return rows.map(viewOf);
  }

  async get(id: string): Promise<AdminTokenView> {
    return viewOf(await findToken(this.changes.prisma, id));
  }

  create(ctx: AuditContext, body: CreateAdminTokenBody): Promise<AdminTokenWithSecret> {
    const { secret, hash, prefix } = newAdminTokenSecret();
    return this.changes.run(ctx, 'admin-tokens', async (tx, audit) => {
      if (body.tenantId !== undefined) await findTenant(tx, body.tenantId);
      if (await tx.adminToken.findUnique({ where: { name: body.name }, select: { id: true } })) {
        throw AdminError.conflict(`an admin token named "${body.name}" exists or existed: names are never reused, so the audit log names one token`);
      }
      const row = await tx.adminToken.create({ data: { name: body.name, role: body.role, tenantId: body.tenantId ?? null, hash, prefix } });
      const token = viewOf(row);
      await audit({ action: 'create', entity: 'admin-token', entityId: row.id, after: auditState(token) });
      return { token, secret };
    });
  }

  revoke(ctx: AuditContext, id: string): Promise<{ revoked: AdminTokenView }> {
    return this.changes.run(ctx, 'admin-tokens', async (tx, audit) => {
      const before = await findToken(tx, id);
      if (before.revokedAt !== null) return { revoked: viewOf(before) };
      const after = await tx.adminToken.update({ where: { id }, data: { revokedAt: new Date() } });
      await audit({ action: 'revoke', entity: 'admin-token', entityId: id, before: auditState(viewOf(before)), after: auditState(viewOf(after)) });
      return { revoked: viewOf(after) };
    });
  }
}

async function findToken(db: Prisma.TransactionClient, id: string): Promise<AdminToken> {
  const row = await db.adminToken.findUnique({ where: { id } });
  if (!row) throw AdminError.notFound(`admin token ${id} not found`);
  return row;
}

function viewOf(row: AdminToken): AdminTokenView {
  return {
    id: row.id,
    name: row.name,
    // The table's CHECK constraint holds it to the three roles.
    role: row.role as AdminRole,
    tenantId: row.tenantId,
    prefix: row.prefix,
    status: row.revokedAt === null ? 'active' : 'revoked',
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** The audited state: the view (no hash, no secret), as JSON. */
function auditState(view: AdminTokenView): Prisma.InputJsonObject {
  return { ...view };
}
