import { useState } from 'react';
import type { Balance, CreditEntry, CreditKind } from '../../api/admin-types';
import { DataTable } from '../../components/data-table';
import { count, usd, when } from '../../components/format';
import { ErrorNote, Loading } from '../../components/status-note';
import { useLoad } from '../../components/use-load';
import { Field } from '../../forms/field';
import { numberOrNull } from '../../forms/form-issues';
import { FormStatus } from '../../forms/form-status';
import { useSubmit } from '../../forms/use-submit';
import type { Session } from '../../session/session';

const KINDS: { value: CreditKind | ''; label: string }[] = [
  { value: '', label: 'By sign (top-up if positive, adjustment if negative)' },
  { value: 'top_up', label: 'Top-up' },
  { value: 'refund', label: 'Refund' },
  { value: 'adjustment', label: 'Adjustment' },
];

/**
 * A tenant's prepaid balance and its credit ledger (append-only), and — for a platform admin —
 * the form that adds a grant or an adjustment with its reason (docs/admin-api.md, credits).
 */
export function CreditsSection({ session, tenantId, canGrant }: { session: Session; tenantId: string; canGrant: boolean }) {
  const base = `/tenants/${encodeURIComponent(tenantId)}`;
  const balance = useLoad(() => session.client.get<Balance>(`${base}/balance`), [session, base]);
  const ledger = useLoad(() => session.client.get<{ entries: CreditEntry[] }>(`${base}/credits`, { limit: 100 }), [session, base]);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [kind, setKind] = useState<CreditKind | ''>('');
  const submit = useSubmit(['amountUsd', 'reason', 'kind']);
  const errors = submit.issues.fields;
  const grant = submit.handler(async () => {
    const made = await session.client.post<{ entry: CreditEntry; balance: Balance }>(`${base}/credits`, { amountUsd: numberOrNull(amount), reason, ...(kind && { kind }) });
    setAmount('');
    setReason('');
    setKind('');
    balance.reload();
    ledger.reload();
    return `Added ${usd(made.entry.amountUsd)} (${made.entry.kind}); the balance is ${usd(made.balance.balanceUsd)}.`;
  });
  const b = balance.data;

  return (
    <section aria-labelledby="credits-title">
      <h2 id="credits-title">Credits and balance</h2>
      <Loading loading={balance.loading} />
      <ErrorNote error={balance.error} />
      {b && !b.prepaid && <p>Not prepaid: the tenant pays after use. Its first credit entry makes it prepaid from then on.</p>}
      {b?.prepaid && (
        <dl className="stats" aria-label="Balance">
          <div>
            <dt>Balance</dt>
            <dd data-testid="balance">{usd(b.balanceUsd)}</dd>
          </div>
          <div>
            <dt>Credits</dt>
            <dd>{usd(b.creditsUsd)}</dd>
          </div>
          <div>
            <dt>Spent since {when(b.prepaidSince)}</dt>
            <dd>{usd(b.spentUsd)}</dd>
          </div>
          <div>
            <dt>Available now</dt>
            <dd>{b.availableUsd === null ? '—' : usd(b.availableUsd)}</dd>
          </div>
          <div>
            <dt>Held in flight</dt>
            <dd>{b.reservedUsd === null ? '—' : `${usd(b.reservedUsd)} (${count(b.inFlight)})`}</dd>
          </div>
        </dl>
      )}
      {canGrant && (
        <form className="edit-form" onSubmit={grant} aria-labelledby="grant-title" noValidate>
          <h3 id="grant-title">Add credit or an adjustment</h3>
          <Field id="credit-amount" label="Amount (USD)" inputMode="decimal" hint="Negative to take credit away (an adjustment)." value={amount} onChange={setAmount} error={errors['amountUsd']} />
          <Field id="credit-reason" label="Reason" hint="An invoice number, a support ticket: shown in the ledger and the audit log." value={reason} onChange={setReason} error={errors['reason']} />
          <div className="field">
            <label htmlFor="credit-kind">Kind</label>
            <select id="credit-kind" value={kind} onChange={(e) => setKind(e.target.value as CreditKind | '')}>
              {KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
            {errors['kind'] && (
              <span className="field-error" role="alert">
                {errors['kind']}
              </span>
            )}
          </div>
          <span className="actions">
            <button type="submit" disabled={submit.busy}>
              Add entry
            </button>
          </span>
          <FormStatus submit={submit} />
        </form>
      )}
      <ErrorNote error={ledger.error} />
      <DataTable
        caption={`Credit ledger of ${tenantId}, newest first`}
        rows={ledger.data?.entries ?? []}
        failed={!!ledger.error}
        rowKey={(e) => e.id}
        empty="No credit entries."
        columns={[
          { header: 'When', cell: (e) => when(e.createdAt) },
          { header: 'Kind', cell: (e) => e.kind },
          { header: 'Amount', numeric: true, cell: (e) => usd(e.amountUsd) },
          { header: 'Reason', cell: (e) => e.reason },
          { header: 'By', cell: (e) => e.actor },
        ]}
      />
    </section>
  );
}
