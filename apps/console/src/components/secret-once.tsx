import { useEffect, useRef, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'manual';

/**
 * A key's secret, which the API shows this once: focused when it appears (so a keyboard or
 * screen-reader user lands on it), copyable, gone once dismissed or on leaving the page.
 */
export function SecretOnce({ label, secret, onDismiss }: { label: string; secret: string; onDismiss(): void }) {
  const box = useRef<HTMLDivElement>(null);
  const value = useRef<HTMLOutputElement>(null);
  const [copy, setCopy] = useState<CopyState>('idle');
  useEffect(() => {
    // A new secret (a rotation after a create): "Copied" spoke of the old one, which the clipboard still holds.
    setCopy('idle');
    box.current?.focus();
  }, [secret]);
  const onCopy = () => {
    // navigator.clipboard exists only in a secure context (https or localhost): on plain http to
    // another address it is undefined, and the selection with execCommand('copy') still works.
    if (navigator.clipboard) void navigator.clipboard.writeText(secret).then(() => setCopy('copied'), () => setCopy(copyBySelection(value.current)));
    else setCopy(copyBySelection(value.current));
  };
  return (
    <div className="secret" role="region" aria-label="New secret" tabIndex={-1} ref={box}>
      <p>
        <strong>{label}.</strong> Copy the secret now: it is shown only once and cannot be read back.
      </p>
      <output className="secret-value" data-testid="secret" aria-label="Secret" ref={value}>
        {secret}
      </output>
      <span className="actions">
        <button type="button" onClick={onCopy}>
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={onDismiss}>
          I stored it
        </button>
      </span>
      <p role="status" className={copy === 'manual' ? 'error' : 'ok'}>
        {copy === 'copied' ? 'The secret is on the clipboard.' : copy === 'manual' ? 'This browser did not let the page copy: the secret is selected, press Ctrl+C (⌘C) to copy it.' : ''}
      </p>
    </div>
  );
}

/** Selects the secret's text and asks the browser to copy the selection; 'manual' when it refuses (the text stays selected). */
function copyBySelection(el: HTMLElement | null): CopyState {
  if (!el) return 'manual';
  const range = document.createRange();
  range.selectNodeContents(el);
  const selection = getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
  let done = false;
  try {
    // Deprecated but the only copy a non-secure page has; it answers false when refused.
    done = document.execCommand('copy');
  } catch {
    done = false;
  }
  return done ? 'copied' : 'manual';
}
