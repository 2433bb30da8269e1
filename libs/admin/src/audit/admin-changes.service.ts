import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG_ENTITIES, appendConfigFeed, type Prisma } from '@switchyard/db';
import type { ConfigTopic } from '@switchyard/queue';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import type { AuditContext } from '../http/admin-route';

export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'revoke', 'rotate', 'read'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What the audit log names: the configuration's entities, the admin API's own tokens, and prepaid-credit ledger entries (issue 16). */
export const AUDIT_ENTITIES = [...CONFIG_ENTITIES, 'admin-token', 'credit', 'request-bodies'] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

/** One audited change; before/after are already stripped of secrets and hashes. */
export interface AuditEntry {
  action: AuditAction;
  entity: AuditEntity;
  entityId: string;
  before?: Prisma.InputJsonObject;
  after?: Prisma.InputJsonObject;
}

/** Writes the audit rows of a change inside its transaction. */
export type Audit = (entry: AuditEntry) => Promise<void>;

/**
 * Runs one admin change: the writes, their audit rows and a row of the cross-region change feed
 * in one transaction, then — once it committed, and only when something was audited — the
 * announcement on the region's config change bus, so that no replica reloads before the change
 * is visible to it.
 */
@Injectable()
export class AdminChanges {
  private readonly log = new Logger('AdminApi');

  constructor(@Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'db' | 'bus'>) {}

  get prisma(): AdminOptions['db']['prisma'] {
    return this.options.db.prisma;
  }

  async run<T>(ctx: AuditContext, topic: ConfigTopic, change: (tx: Prisma.TransactionClient, audit: Audit) => Promise<T>): Promise<T> {
    let audited = 0;
    const result = await this.options.db.prisma.$transaction(async (tx) => {
      const done = await change(tx, async (e) => {
        audited++;
        await tx.auditLog.create({
          data: { actor: ctx.actor, sourceIp: ctx.sourceIp ?? null, action: e.action, entity: e.entity, entityId: e.entityId, before: e.before, after: e.after },
        });
      });
      // Other regions (their own Redis, so deaf to this bus) learn of it from the feed (issue 15).
      if (audited > 0) await appendConfigFeed(tx, [topic]);
      return done;
    });
    if (audited > 0) {
      // Committed already: a failed announcement must not fail the request. Replicas still
      // pick the change up on their refresh timer (10 s).
      await this.options.bus.publish(topic).catch((e: unknown) => this.log.warn(`config change announcement (${topic}) failed: ${String(e)}`));
    }
    return result;
  }
}
