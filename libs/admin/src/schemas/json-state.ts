import type { Prisma } from '@switchyard/db';

/** A view as an audit-row value: plain JSON (undefined fields dropped). */
export function jsonState(value: object): Prisma.InputJsonObject {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonObject;
}

export { sameJson } from '@switchyard/shared';
