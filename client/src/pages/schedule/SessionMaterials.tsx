// Session materials: links and files; editors add and remove, viewers download.
import { useState } from 'preact/hooks';
import { download, errorMessage } from '../../api.js';
import { Alert } from '../../components/Alert.js';
import { HTTP_URL_PATTERN, safeHttpUrl } from '../../safeUrl.js';
import { schedule, uploadMaterial, type FullSession } from './scheduleApi.js';

const size = (n?: number) => (n === undefined ? '' : n > 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

export function SessionMaterials({ session, canEdit, onChange }: { session: FullSession; canEdit: boolean; onChange: (s: FullSession) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<FullSession>) => {
    setBusy(true);
    setError(null);
    try {
      onChange(await fn());
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card stack" aria-labelledby="mat-heading">
      <h2 id="mat-heading">Materials</h2>
      {session.materials.length === 0 && <p class="muted">No materials yet.</p>}
      <ul class="materials">
        {session.materials.map((m) => (
          <li key={m.id ?? m.url}>
            {m.kind === 'link' ? (
              <a href={safeHttpUrl(m.url)} target="_blank" rel="noopener noreferrer">
                {m.title}
              </a>
            ) : (
              <button type="button" class="linklike" onClick={() => void download(m.url, m.fileName ?? m.title).catch((err: unknown) => setError(errorMessage(err)))}>
                {m.title}
              </button>
            )}
            <span class="muted small"> {m.kind === 'file' ? `${m.fileName ?? ''} ${size(m.sizeBytes)}` : 'link'}</span>
            {canEdit && m.id && (
              <button type="button" class="btn btn-small btn-ghost" aria-label={`Remove ${m.title}`} disabled={busy} onClick={() => void run(() => schedule.removeMaterial(session.id, m.id!))}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {canEdit && (
        <>
          <form
            class="inline-row"
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => schedule.addLink(session.id, title, url)).then(() => {
                setTitle('');
                setUrl('');
              });
            }}
          >
            <input aria-label="Link title" placeholder="Title" required value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
            <input aria-label="Link URL" placeholder="https://…" type="url" pattern={HTTP_URL_PATTERN} title="A link starting with http:// or https://" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
            <button type="submit" class="btn btn-small btn-secondary" disabled={busy}>
              Add link
            </button>
          </form>
          <label class="small">
            Upload a file (PDF, images, office documents, text, zip; up to 20 MB){' '}
            <input
              type="file"
              disabled={busy}
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                e.currentTarget.value = '';
                if (f) void run(() => uploadMaterial(session.id, f, ''));
              }}
            />
          </label>
        </>
      )}
      {error && <Alert tone="error">{error}</Alert>}
    </section>
  );
}
