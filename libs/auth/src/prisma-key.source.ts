import type { Database } from '@switchyard/db';
import type { KeyRecord, KeySource } from './key-directory.types';

/** Loads every key with its tenant in one query; the auth cache is rebuilt from it. */
export class PrismaKeySource implements KeySource {
  constructor(private readonly db: Database) {}

  async loadAll(): Promise<Map<string, KeyRecord>> {
    const rows = await this.db.prisma.virtualKey.findMany({
      select: { id: true, tenantId: true, hash: true, models: true, expiresAt: true, revokedAt: true, allowedIps: true, tenant: { select: { allowedRegions: true, allowedIps: true } } },
    });
    const keys = new Map<string, KeyRecord>();
    for (const r of rows) {
      keys.set(r.hash, {
        id: r.id,
        tenantId: r.tenantId,
        models: r.models,
        expiresAt: r.expiresAt?.getTime(),
        revoked: r.revokedAt !== null,
        allowedRegions: r.tenant.allowedRegions,
        allowedIps: r.allowedIps,
        tenantAllowedIps: r.tenant.allowedIps,
      });
    }
    return keys;
  }
}
