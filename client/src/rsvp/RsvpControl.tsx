// "Will you come?" Yes / Maybe / No for an invitee, on the dashboard and the session page.
import { useEffect, useState } from 'preact/hooks';
import type { RsvpResponse, RsvpState } from '@lectern/server/contract/rsvp';
import { api, errorMessage } from '../api.js';

const WORDS: Record<RsvpResponse, string> = { yes: 'Yes', maybe: 'Maybe', no: 'No' };

export function RsvpControl({ sessionId, title, showCounts = false }: { sessionId: string; title: string; showCounts?: boolean }) {
  const [state, setState] = useState<RsvpState | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<RsvpState>(`/api/sessions/${sessionId}/rsvp`)
      .then(setState)
      .catch(() => undefined);
  }, [sessionId]);
  if (!state || (!state.canAnswer && !showCounts)) return null;
  const answer = async (response: RsvpResponse) => {
    setError(null);
    try {
      setState(await api.put<RsvpState>(`/api/sessions/${sessionId}/rsvp`, { response }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <div class="rsvp">
      {state.canAnswer && (
        <div class="rsvp-choices" role="group" aria-label={`Will you come to ${title}?`}>
          <span class="muted small" aria-hidden="true">
            Will you come?
          </span>
          {(['yes', 'maybe', 'no'] as const).map((r) => (
            <button key={r} type="button" class={`btn btn-small rsvp-${r}`} aria-pressed={state.mine === r} onClick={() => void answer(r)}>
              {WORDS[r]}
            </button>
          ))}
        </div>
      )}
      {showCounts && (
        <p class="muted small">
          Replies: {state.counts.yes} yes, {state.counts.maybe} maybe, {state.counts.no} no
        </p>
      )}
      {error && <p class="field-error small">{error}</p>}
    </div>
  );
}
