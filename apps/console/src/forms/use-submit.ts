import { type FormEvent, useState } from 'react';
import { type FormIssues, NO_ISSUES, formIssues } from './form-issues';

export interface Submit {
  issues: FormIssues;
  /** What the last success said (a role=status line), cleared by the next attempt. */
  done: string | undefined;
  busy: boolean;
  /** An onSubmit handler: runs `action`, then shows its answer or places the API's complaints. */
  handler(action: () => Promise<string>): (e: FormEvent) => void;
}

/** One form's round trip to the API; `fields` are the API paths the form has inputs for. */
export function useSubmit(fields: readonly string[]): Submit {
  const [issues, setIssues] = useState<FormIssues>(NO_ISSUES);
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const handler = (action: () => Promise<string>) => (e: FormEvent) => {
    e.preventDefault();
    setIssues(NO_ISSUES);
    setDone(undefined);
    setBusy(true);
    action().then(
      (message) => {
        setDone(message);
        setBusy(false);
      },
      (err: unknown) => {
        setIssues(formIssues(err, fields));
        setBusy(false);
      },
    );
  };
  return { issues, done, busy, handler };
}
