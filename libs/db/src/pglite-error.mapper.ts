/**
 * pglite-prisma-adapter 0.6.1 was written for Prisma 6.10 and reports every Postgres error as
 * `{ kind: 'postgres', code }`, which Prisma 6.19 passes on as a plain error. Prisma's own
 * adapter for Postgres maps the constraint codes to the kinds Prisma turns into P2002, P2011 and
 * P2003 (`@prisma/adapter-pg`'s `convertDriverError`); the same mapping here makes PGlite and
 * Postgres fail alike (the admin API answers 409 for P2002).
 */
interface DriverError {
  name?: string;
  cause?: { kind?: string; code?: string; detail?: string; column?: string } | Record<string, unknown>;
}

/** Rewrites a DriverAdapterError's cause in place when its SQLSTATE has a Prisma kind. */
export function mapPgliteAdapterError(error: unknown): unknown {
  const driverError = error as DriverError | null;
  const cause = driverError?.cause as { kind?: string; code?: string; detail?: string; column?: string } | undefined;
  if (!driverError || driverError.name !== 'DriverAdapterError' || cause?.kind !== 'postgres') return error;
  const keyFields = cause.detail?.match(/Key \(([^)]+)\)/)?.at(1)?.split(', ');
  const keyConstraint = keyFields ? { fields: keyFields } : undefined;
  switch (cause.code) {
    case '23505':
      driverError.cause = { kind: 'UniqueConstraintViolation', constraint: keyConstraint };
      break;
    case '23502':
      driverError.cause = { kind: 'NullConstraintViolation', constraint: keyConstraint };
      break;
    case '23503':
      driverError.cause = { kind: 'ForeignKeyConstraintViolation', constraint: cause.column ? { fields: [cause.column] } : undefined };
      break;
    default:
      break;
  }
  return error;
}
