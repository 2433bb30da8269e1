import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ConfigFeedFollower } from '@switchyard/db';
import { hashKey } from '@switchyard/shared';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import { ADMIN_ROLES, type AdminPrincipal, type AdminRole } from '../roles/admin-principal';

/**
 * The last resort should every announcement be lost: a cached token is looked up again after
 * this long, as the other caches' refresh timers do (10 s).
 */
const MAX_AGE_MS = 10_000;

interface Cached {
  principal: AdminPrincipal;
  at: number;
}

/**
 * Named admin tokens by the hash of their secret, cached in memory. A token not in the cache
 * is looked up in the database (an index look-up), so a token created on another replica works
 * at once; only tokens that exist are cached. Every configuration announcement — this region's
 * config bus, and with `configFeed` or `configFeedPollMs` the cross-region change feed — empties the cache, so
 * a revocation (or a tenant's deletion) holds on every replica within the bus's delivery or one
 * feed poll (docs/architecture.md, "Admin roles").
 */
@Injectable()
export class AdminTokenRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, Cached>();
  /** Bumped by every clear: a look-up that started before one must not cache what it read. */
  private generation = 0;
  private feed: ConfigFeedFollower | undefined;

  constructor(@Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'db' | 'bus' | 'configFeedPollMs' | 'configFeed'>) {}

  async onModuleInit(): Promise<void> {
    this.options.bus.subscribe(() => this.clear());
    if (this.options.configFeed) this.options.configFeed.listen(() => this.clear());
    else if (this.options.configFeedPollMs !== undefined) {
      this.feed = new ConfigFeedFollower({ read: this.options.db, intervalMs: this.options.configFeedPollMs, onChange: () => this.clear() });
      await this.feed.start();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.feed?.close();
  }

  /** The principal of an active token with this secret, or undefined. */
  async find(secret: string): Promise<AdminPrincipal | undefined> {
    const hash = hashKey(secret);
    const cached = this.cache.get(hash);
    if (cached && Date.now() - cached.at < MAX_AGE_MS) return cached.principal;
    const generation = this.generation;
    const row = await this.options.db.prisma.adminToken.findUnique({ where: { hash }, select: { name: true, role: true, tenantId: true, revokedAt: true } });
    if (!row || row.revokedAt !== null || !isRole(row.role)) {
      this.cache.delete(hash);
      return undefined;
    }
    const principal: AdminPrincipal = { source: 'token', name: row.name, role: row.role, tenantId: row.tenantId ?? undefined };
    if (generation === this.generation) this.cache.set(hash, { principal, at: Date.now() });
    return principal;
  }

  /** Forgets every cached token (a change was announced). */
  clear(): void {
    this.generation++;
    this.cache.clear();
  }
}

function isRole(role: string): role is AdminRole {
  return (ADMIN_ROLES as readonly string[]).includes(role);
}
