import type { Prisma } from '@switchyard/db';

type KeySecrets = { id: string; tenantId: string; hash: string; prefix: string; previousHash: string | null; previousPrefix: string | null };

/**
 * Records secrets the admin API takes out of service, so `switchyard apply` with a file that
 * still holds one leaves it out instead of re-creating it as a fresh key. `current` and
 * `previous` say which of the key's secrets go.
 */
export async function retireSecrets(
  tx: Prisma.TransactionClient,
  keys: readonly KeySecrets[],
  reason: 'deleted' | 'rotated',
  which: { current: boolean; previous: boolean },
): Promise<void> {
  const data = keys.flatMap((k) => [
    ...(which.current ? [{ hash: k.hash, keyId: k.id, tenantId: k.tenantId, prefix: k.prefix, reason }] : []),
    ...(which.previous && k.previousHash ? [{ hash: k.previousHash, keyId: k.id, tenantId: k.tenantId, prefix: k.previousPrefix ?? '', reason }] : []),
  ]);
  if (data.length) await tx.retiredKeyHash.createMany({ data, skipDuplicates: true });
}
