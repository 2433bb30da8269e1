import { type FormEvent, useEffect, useRef, useState } from 'react';

/** Grace periods offered for the old secret (the API takes 0 .. 30 days; docs/admin-api.md, rotate). */
const GRACE: { seconds: number; text: string }[] = [
  { seconds: 0, text: 'the old secret stops at once' },
  { seconds: 3_600, text: 'the old secret works for 1 hour' },
  { seconds: 86_400, text: 'the old secret works for 24 hours' },
  { seconds: 7 * 86_400, text: 'the old secret works for 7 days' },
  { seconds: 30 * 86_400, text: 'the old secret works for 30 days' },
];
const DEFAULT_GRACE = 86_400;

/** Asks before a rotation and how long the old secret keeps working; focused when it opens. */
export function RotateConfirm({ keyLabel, fromConfigFile, onRotate, onCancel }: { keyLabel: string; fromConfigFile: boolean; onRotate(graceSeconds: number, graceText: string): void; onCancel(): void }) {
  const [grace, setGrace] = useState(DEFAULT_GRACE);
  const select = useRef<HTMLSelectElement>(null);
  useEffect(() => select.current?.focus(), [keyLabel]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onRotate(grace, GRACE.find((g) => g.seconds === grace)?.text ?? '');
  };
  return (
    <form className="inline-form confirm" onSubmit={submit} aria-labelledby="rotate-title">
      <h2 id="rotate-title">Rotate key {keyLabel}?</h2>
      <p className="hint">A new secret is made and shown once. Clients with the old one must switch to it before the grace period ends.</p>
      <label htmlFor="rotate-grace">Old secret keeps working</label>
      <select id="rotate-grace" ref={select} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
        {GRACE.map((g) => (
          <option key={g.seconds} value={g.seconds}>
            {g.seconds === 0 ? 'no grace: stop it now' : g.text.replace('the old secret works for ', 'for ')}
          </option>
        ))}
      </select>
      {fromConfigFile && (
        <p className="error" role="note">
          This key is declared in the config file (<code>switchyard.yaml</code>): the file and its environment still hold the old secret, so put the new
          one there before the grace period ends.
        </p>
      )}
      <span className="actions">
        <button type="submit">Rotate key</button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </span>
    </form>
  );
}
