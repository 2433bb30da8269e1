import { Injectable } from '@nestjs/common';
import type { Prisma, VirtualKey } from '@switchyard/db';
import { refuseFileOwned } from '../audit/file-ownership';
import { AdminChanges } from '../audit/admin-changes.service';
import { AdminError } from '../http/admin.error';
import type { AuditContext } from '../http/admin-route';
import { accessLimitData, accessLimitsOf } from '../schemas/access-limits.mapper';
import { jsonState, sameJson } from '../schemas/json-state';
import { findTenant } from '../tenants/tenants-admin.service';
import { newKeySecret } from './key-secret';
import { retireSecrets } from './retired-secrets';
import type { CreateKeyBody, KeyView, KeyWithSecret, UpdateKeyBody } from './key.routes';

/**
 * Virtual keys of a tenant. Secrets are made here, returned once and stored only as their
 * sha256 and a 12-character prefix (`sk-sy-` and 6); views and audit rows never carry a hash. Changes announce 'keys'.
 */
@Injectable()
export class KeysAdminService {
  constructor(private readonly changes: AdminChanges) {}

  async list(tenantId: string): Promise<KeyView[]> {
    await findTenant(this.changes.prisma, tenantId);
    const rows = await this.changes.prisma.virtualKey.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });
    const now = Date.now();
    return rows.map((r) => keyViewOf(r, now));
  }

  async get(tenantId: string, keyId: string): Promise<KeyView> {
    return keyViewOf(await findKey(this.changes.prisma, tenantId, keyId));
  }

  create(ctx: AuditContext, tenantId: string, body: CreateKeyBody): Promise<KeyWithSecret> {
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw AdminError.invalid('expiresAt: must be in the future');
    const { secret, hash, prefix } = newKeySecret();
    return this.changes.run(ctx, 'keys', async (tx, audit) => {
      await findTenant(tx, tenantId);
      const row = await tx.virtualKey.create({ data: { tenantId, name: body.name ?? null, hash, prefix, expiresAt, ...accessLimitData(body) } });
      const key = keyViewOf(row);
      await audit({ action: 'create', entity: 'key', entityId: row.id, after: auditState(key) });
      return { key, secret };
    });
  }

  update(ctx: AuditContext, tenantId: string, keyId: string, body: UpdateKeyBody): Promise<KeyView> {
    return this.changes.run(ctx, 'keys', async (tx, audit) => {
      const before = keyViewOf(await findKey(tx, tenantId, keyId));
      await refuseFileOwned(tx, 'key', keyId, `key ${before.prefix}… of tenant "${tenantId}"`);
      const data = {
        ...accessLimitData(body),
        ...(body.name !== undefined && { name: body.name }),
        ...(body.expiresAt !== undefined && { expiresAt: body.expiresAt === null ? null : new Date(body.expiresAt) }),
      };
      const after = keyViewOf(await tx.virtualKey.update({ where: { id: keyId }, data }));
      if (!sameJson(auditState(before), auditState(after))) {
        await audit({ action: 'update', entity: 'key', entityId: keyId, before: auditState(before), after: auditState(after) });
      }
      return after;
    });
  }

  revoke(ctx: AuditContext, tenantId: string, keyId: string): Promise<KeyView> {
    return this.changes.run(ctx, 'keys', async (tx, audit) => {
      const row = await findKey(tx, tenantId, keyId);
      if (row.revokedAt) return keyViewOf(row);
      const after = keyViewOf(await tx.virtualKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } }));
      await audit({ action: 'revoke', entity: 'key', entityId: keyId, before: auditState(keyViewOf(row)), after: auditState(after) });
      return after;
    });
  }

  rotate(ctx: AuditContext, tenantId: string, keyId: string, graceSeconds: number): Promise<KeyWithSecret> {
    const { secret, hash, prefix } = newKeySecret();
    return this.changes.run(ctx, 'keys', async (tx, audit) => {
      const row = await findKey(tx, tenantId, keyId);
      if (row.revokedAt) throw AdminError.conflict(`key ${keyId} is revoked; create a new key instead`);
      // With no grace the old secret is forgotten outright rather than left to expire "now",
      // which a replica with a slow clock would honour a little longer.
      const previous =
        graceSeconds > 0
          ? { previousHash: row.hash, previousPrefix: row.prefix, previousExpiresAt: new Date(Date.now() + graceSeconds * 1000) }
          : { previousHash: null, previousPrefix: null, previousExpiresAt: null };
      // The secret this rotation drops for good: the earlier previous one, and with no grace the current one.
      await retireSecrets(tx, [row], 'rotated', { current: graceSeconds <= 0, previous: true });
      const key = keyViewOf(await tx.virtualKey.update({ where: { id: keyId }, data: { hash, prefix, ...previous } }));
      await audit({ action: 'rotate', entity: 'key', entityId: keyId, before: rotationState(keyViewOf(row)), after: { ...rotationState(key), graceSeconds } });
      return { key, secret };
    });
  }

  remove(ctx: AuditContext, tenantId: string, keyId: string): Promise<{ deleted: KeyView }> {
    return this.changes.run(ctx, 'keys', async (tx, audit) => {
      const row = await findKey(tx, tenantId, keyId);
      await refuseFileOwned(tx, 'key', keyId, `key ${row.prefix}… of tenant "${tenantId}"`);
      const deleted = keyViewOf(row);
      await retireSecrets(tx, [row], 'deleted', { current: true, previous: true });
      await tx.virtualKey.delete({ where: { id: keyId } });
      await audit({ action: 'delete', entity: 'key', entityId: keyId, before: auditState(deleted) });
      return { deleted };
    });
  }
}

async function findKey(prisma: Prisma.TransactionClient, tenantId: string, keyId: string): Promise<VirtualKey> {
  const row = await prisma.virtualKey.findFirst({ where: { id: keyId, tenantId } });
  if (!row) throw AdminError.notFound(`key ${keyId} of tenant "${tenantId}" not found`);
  return row;
}

/** The key as the API shows it: no hash, no secret; the rotation by its prefix. */
export function keyViewOf(row: VirtualKey, now = Date.now()): KeyView {
  const previousEnd = row.previousExpiresAt?.getTime();
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    prefix: row.prefix,
    status: row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt.getTime() <= now ? 'expired' : 'active',
    ...accessLimitsOf(row),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    rotation:
      row.previousPrefix && row.previousExpiresAt
        ? { previousPrefix: row.previousPrefix, previousExpiresAt: row.previousExpiresAt.toISOString(), previousActive: !row.revokedAt && previousEnd !== undefined && previousEnd > now }
        : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of a key: the view without time-dependent fields. */
function auditState(view: KeyView): Prisma.InputJsonObject {
  const { createdAt: _c, updatedAt: _u, status: _s, rotation, ...state } = view;
  return jsonState({ ...state, rotation: rotation && { previousPrefix: rotation.previousPrefix, previousExpiresAt: rotation.previousExpiresAt } });
}

function rotationState(view: KeyView): Prisma.InputJsonObject {
  return jsonState({ prefix: view.prefix, previousPrefix: view.rotation?.previousPrefix ?? null, previousExpiresAt: view.rotation?.previousExpiresAt ?? null });
}
