import { type FormEvent, useState } from 'react';
import { describeError } from '../components/use-load';
import { ErrorNote } from '../components/status-note';
import { type Session, signIn } from '../session/session';

/** The admin token is typed here and kept in this tab's sessionStorage only. */
export function SignInPage({ onSignedIn, notice }: { onSignedIn(session: Session): void; notice?: string }) {
  const [token, setToken] = useState('');
  const [tenant, setTenant] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(token.trim(), tenant));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <h1>Switchyard console</h1>
      {!error && <ErrorNote error={notice} />}
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="token">Admin token</label>
        <input id="token" name="token" type="password" autoComplete="off" required autoFocus value={token} onChange={(e) => setToken(e.target.value)} />
        <label htmlFor="tenant">Tenant id (optional)</label>
        <input id="tenant" name="tenant" aria-describedby="tenant-hint" value={tenant} onChange={(e) => setTenant(e.target.value)} />
        <p id="tenant-hint" className="hint">
          Only for a token that administers one tenant, when the console cannot find out which.
        </p>
        <button type="submit" disabled={busy || !token.trim()}>
          Sign in
        </button>
      </form>
      <ErrorNote error={error} />
      <p className="hint">The token stays in this browser tab (sessionStorage) and is sent only to this gateway's admin API.</p>
    </main>
  );
}
