import type { PrismaClient } from './generated/prisma/client';
import type { SqlSession, SqlSessionSource } from './sql-session.types';

export const DATABASE_KINDS = ['postgres', 'pglite'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

/**
 * An open database: the Prisma client plus the driver session source under it. The class is
 * also the Nest injection token (DbModule provides it).
 */
export class Database {
  private closed?: Promise<void>;

  constructor(
    readonly prisma: PrismaClient,
    readonly kind: DatabaseKind,
    private readonly sessions: SqlSessionSource,
  ) {}

  /** Runs fn on one dedicated session (a pooled connection on Postgres). */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T> {
    return this.sessions.withSession(fn);
  }

  /** For health checks: true when the database answers a trivial query. */
  async ping(): Promise<boolean> {
    await this.withSession((session) => session.query('SELECT 1'));
    return true;
  }

  /** Disconnects Prisma, then closes the pool or PGlite. Safe to call more than once. */
  close(): Promise<void> {
    this.closed ??= this.prisma.$disconnect().finally(() => this.sessions.close());
    return this.closed;
  }
}
