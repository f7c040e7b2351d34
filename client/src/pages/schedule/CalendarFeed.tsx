// The signed-in user's secret calendar feed URL, with copy and regenerate.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../../api.js';
import { Alert } from '../../components/Alert.js';
import { CopyButton } from '../../components/CopyButton.js';
import { schedule } from './scheduleApi.js';

export function CalendarFeed() {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    schedule.calendarUrl().then(
      (r) => setUrl(r.url),
      (err: unknown) => setError(errorMessage(err)),
    );
  }, []);
  const regenerate = async () => {
    if (!window.confirm('Make a new feed address? Calendars subscribed to the old one stop updating.')) return;
    try {
      setUrl((await schedule.regenerateCalendar()).url);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section class="card stack" aria-labelledby="feed-heading">
      <h2 id="feed-heading">Calendar feed</h2>
      <p class="muted small">Subscribe to this private address in your calendar app to see all your sessions. Keep it secret.</p>
      {error && <Alert tone="error">{error}</Alert>}
      {url && (
        <>
          <input class="feed-url" readOnly value={url} aria-label="Calendar feed address" onFocus={(e) => e.currentTarget.select()} />
          <div class="inline-row">
            <CopyButton text={url} label="Copy feed address" />
            <button type="button" class="btn btn-small btn-ghost" onClick={regenerate}>
              Regenerate
            </button>
          </div>
        </>
      )}
    </section>
  );
}
