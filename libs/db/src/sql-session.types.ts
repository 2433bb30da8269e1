/**
 * One database session on the driver underneath Prisma, for what Prisma cannot express:
 * multi-statement scripts (migrations) and session-level advisory locks.
 */
export interface SqlSession {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements (simple query protocol; no parameters). */
  exec(script: string): Promise<void>;
  /** Runs fn inside BEGIN/COMMIT on this session; rolls back when fn throws. */
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
}

/** Lends out sessions; implemented per driver by createDatabase. */
export interface SqlSessionSource {
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
