// The session page's recordings: a player for each ready one (the file is served with Range
// support; a <video> cannot send headers, so the access token rides in `?token=`), download,
// delete for the host, and progress while a recording is being processed.
import type { RecordingDto } from '@lectern/server/contract/recording';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, errorMessage, tokenUrl } from '../api.js';
import { refreshAccess } from '../auth.js';
import { Alert } from '../components/Alert.js';
import './recordings.css';

const POLL_MS = 2000;

function duration(seconds: number | null): string {
  if (seconds === null) return '';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function size(bytes: number | null): string {
  if (bytes === null) return '';
  return bytes > 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.ceil(bytes / 1000)} kB`;
}

export function RecordingsSection({ sessionId, canManage }: { sessionId: string; canManage: boolean }) {
  const [items, setItems] = useState<RecordingDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, setTokenTick] = useState(0);

  const load = useCallback(async () => {
    try {
      setItems(await api.get<RecordingDto[]>(`/api/sessions/${sessionId}/recordings`));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [sessionId]);
  useEffect(() => void load(), [load]);
  // A link to `#recordings` (from a list of past sessions) lands here once the list is in.
  const loaded = items !== null;
  useEffect(() => {
    if (loaded && window.location.hash === '#recordings') document.getElementById('recordings')?.scrollIntoView();
  }, [loaded]);
  const busy = items?.some((r) => r.status === 'recording' || r.status === 'processing') ?? false;
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [busy, load]);

  const remove = async (r: RecordingDto) => {
    if (!window.confirm('Delete this recording for everyone? This cannot be undone.')) return;
    try {
      await api.del(`/api/sessions/${sessionId}/recordings/${r.id}`);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  // The token in a player's URL expired: get a fresh one and re-render the players.
  const onPlayerError = () => void refreshAccess().then((ok) => ok && setTokenTick((n) => n + 1));

  if (items === null && !error) return null;
  return (
    <section id="recordings" class="card stack" aria-labelledby="rec-heading">
      <h2 id="rec-heading">Recordings</h2>
      {error && <Alert tone="error">{error}</Alert>}
      {items?.length === 0 && <p class="muted">No recordings of this session.</p>}
      <ul class="plain-list recordings">
        {items?.map((r) => (
          <li key={r.id} class="recording stack" aria-label={`Recording of ${new Date(r.startedAt).toLocaleString()}`}>
            <div class="recording-head">
              <strong>{new Date(r.startedAt).toLocaleString()}</strong>
              {r.status === 'ready' && (
                <span class="muted small">
                  {duration(r.durationSeconds)} · {size(r.sizeBytes)}
                </span>
              )}
            </div>
            {r.status === 'recording' && <p role="status">Recording in progress…</p>}
            {r.status === 'processing' && (
              <label class="recording-progress">
                <span role="status">Processing… {r.progress}%</span>
                <progress max={100} value={r.progress} />
              </label>
            )}
            {r.status === 'failed' && <Alert tone="error">This recording failed: {r.error ?? 'unknown error'}</Alert>}
            {r.status === 'ready' && (
              <>
                <video class="recording-player" controls preload="metadata" src={tokenUrl(r.url)} onError={onPlayerError} />
                <div class="inline-row">
                  <a class="btn btn-secondary" href={tokenUrl(r.downloadUrl)} download>
                    Download
                  </a>
                  {canManage && (
                    <button type="button" class="btn btn-danger-outline" onClick={() => void remove(r)}>
                      Delete
                    </button>
                  )}
                </div>
                {r.tracks.length > 0 && (
                  <details>
                    <summary>Separate tracks ({r.tracks.length})</summary>
                    <ul class="plain-list small">
                      {r.tracks.map((t) => (
                        <li key={t.file}>
                          <a href={tokenUrl(`${t.url}?download=1`)} download>
                            {t.displayName ?? t.peerId} — {t.source}
                          </a>
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
              </>
            )}
            {r.status === 'failed' && canManage && (
              <div class="inline-row">
                <button type="button" class="btn btn-danger-outline" onClick={() => void remove(r)}>
                  Delete
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
