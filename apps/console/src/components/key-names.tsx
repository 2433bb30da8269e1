import { useEffect, useState } from 'react';
import type { Key } from '../api/admin-types';
import type { Session } from '../session/session';

/**
 * Key ids (UUIDs) as people know them: the key's name, else its prefix. The API's reports carry
 * ids only, so the keys of the tenants on screen are read once each (a failure, e.g. a tenant
 * since deleted, leaves its ids shown as they are).
 */
export function useKeyNames(session: Session, tenantIds: (string | undefined)[]): Map<string, Key> {
  const [keys, setKeys] = useState(() => new Map<string, Key>());
  const wanted = [...new Set(tenantIds.filter((t): t is string => !!t))].sort().join('\n');
  useEffect(() => {
    let current = true;
    const tenants = wanted ? wanted.split('\n') : [];
    void Promise.all(tenants.map((t) => session.client.get<{ keys: Key[] }>(`/tenants/${encodeURIComponent(t)}/keys`).then((r) => r.keys, () => [] as Key[]))).then((lists) => {
      if (current) setKeys(new Map(lists.flat().map((k) => [k.id, k])));
    });
    return () => {
      current = false;
    };
  }, [session, wanted]);
  return keys;
}

/** A key's name (or prefix), its id in the tooltip and for screen readers' details. */
export function KeyLabel({ keyId, keys }: { keyId: string | null | undefined; keys: Map<string, Key> }) {
  if (!keyId) return <>—</>;
  const key = keys.get(keyId);
  if (!key) return <code title={keyId}>{keyId.slice(0, 8)}…</code>;
  return (
    <span title={`key id ${keyId}`}>
      {key.name ?? <code className="prefix">{key.prefix}</code>}
    </span>
  );
}
