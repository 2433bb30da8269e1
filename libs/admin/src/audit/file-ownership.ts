import type { Prisma } from '@switchyard/db';
import { AdminError } from '../http/admin.error';

/** What switchyard.yaml can own (docs/architecture.md §4, configOwnership); a price is owned when the file sets the model's price. */
export type OwnedEntity = 'tenant' | 'key' | 'provider' | 'model' | 'price' | 'plan';

/**
 * Under `configOwnership: file` what the file declares is read-only here: a change would be put
 * back by the next apply, silently. 409 naming the file and the object, and what to do instead.
 */
export async function refuseFileOwned(tx: Prisma.TransactionClient, entity: OwnedEntity, id: string, label = `${entity} "${id}"`): Promise<void> {
  const row = await tx.configOwnership.findUnique({ where: { entity_entityId: { entity, entityId: id } } });
  if (row) {
    throw AdminError.conflict(`${label} is declared in ${row.source} (configOwnership: file): change it in the file and apply it, or set configOwnership: seed to let the admin API own it`);
  }
}
