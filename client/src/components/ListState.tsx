import type { ComponentChildren } from 'preact';
import { Alert } from './Alert.js';

interface ListStateProps {
  /** Why the list could not be loaded. */
  error: string | null;
  /** The status line while the list loads (false once it has). */
  loading: string | false;
  /** The line shown instead of an empty list (false where the list has items). */
  empty?: string | false;
  children: ComponentChildren;
}

/** A fetched list's place on a page: its load error, then a status line while it loads, the
 *  empty line, or the list itself. */
export function ListState({ error, loading, empty = false, children }: ListStateProps) {
  return (
    <>
      {error && <Alert tone="error">{error}</Alert>}
      {loading !== false && !error ? (
        <p class="muted" role="status">
          {loading}
        </p>
      ) : empty !== false ? (
        <p class="muted">{empty}</p>
      ) : (
        children
      )}
    </>
  );
}
