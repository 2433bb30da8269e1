import { useEffect, useRef, useState } from 'react';

/**
 * A key's secret, which the API shows this once: focused when it appears (so a keyboard or
 * screen-reader user lands on it), copyable, gone once dismissed or on leaving the page.
 */
export function SecretOnce({ label, secret, onDismiss }: { label: string; secret: string; onDismiss(): void }) {
  const box = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => box.current?.focus(), [secret]);
  const copy = () => {
    void navigator.clipboard?.writeText(secret).then(() => setCopied(true), () => setCopied(false));
  };
  return (
    <div className="secret" role="region" aria-label="New secret" tabIndex={-1} ref={box}>
      <p>
        <strong>{label}.</strong> Copy the secret now: it is shown only once and cannot be read back.
      </p>
      <output className="secret-value" data-testid="secret" aria-label="Secret">
        {secret}
      </output>
      <span className="actions">
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={onDismiss}>
          I stored it
        </button>
      </span>
    </div>
  );
}
