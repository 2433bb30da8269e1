import { ErrorNote } from '../components/status-note';
import type { Submit } from './use-submit';

/** Under a form's button: what the API refused that names no field of the form, or that it saved. */
export function FormStatus({ submit }: { submit: Submit }) {
  return (
    <>
      <ErrorNote error={submit.issues.summary} />
      {submit.done && (
        <p role="status" className="ok">
          {submit.done}
        </p>
      )}
    </>
  );
}
