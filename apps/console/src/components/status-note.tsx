/** A load or action failure, announced to screen readers as it appears. */
export function ErrorNote({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error}
    </p>
  );
}

export function Loading({ loading }: { loading: boolean }) {
  return loading ? <p aria-live="polite">Loading…</p> : null;
}
