// Admin > Outbox: notifications that could not be delivered (dead letters), with Retry,
// and the other states for a look at what is queued or was skipped.
import { useEffect, useState } from 'preact/hooks';
import { api, errorMessage } from '../api.js';
import { ActionCell } from '../components/ActionCell.js';
import { Alert } from '../components/Alert.js';
import { formatDateTime } from '../time.js';
import './admin.css';

interface OutboxRow {
  id: string;
  eventType: string;
  channel: string;
  status: string;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
}
const STATUSES = [
  ['dead', 'Failed (dead letters)'],
  ['pending', 'Waiting to be sent'],
  ['skipped', 'Skipped'],
  ['sent', 'Sent'],
] as const;
const CHANNEL = { in_app: 'In app', email: 'Email', push: 'Push' } as Record<string, string>;

export function OutboxPage() {
  const [status, setStatus] = useState<string>('dead');
  const [rows, setRows] = useState<OutboxRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const load = () => {
    setRows(null);
    api
      .get<OutboxRow[]>(`/api/admin/outbox?status=${status}&limit=100`)
      .then(setRows)
      .catch((err: unknown) => setError(errorMessage(err)));
  };
  useEffect(load, [status]);
  const retry = async (id: string) => {
    try {
      await api.post(`/api/admin/outbox/${id}/retry`);
      setNote('Queued again: it will be sent within a few seconds.');
      load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <>
      <div class="page-head">
        <h1>Notification outbox</h1>
        <p class="muted">Every email, push and in-app notification passes through here. Failed ones can be sent again.</p>
      </div>
      <section class="card stack" aria-labelledby="outbox-heading">
        <h2 id="outbox-heading" class="visually-hidden">
          Outbox rows
        </h2>
        <div class="field" style={{ maxWidth: '18rem' }}>
          <label for="outbox-status">Show</label>
          <select id="outbox-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            {STATUSES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        {error && <Alert tone="error">{error}</Alert>}
        {note && <Alert tone="success">{note}</Alert>}
        {rows === null ? (
          <p class="muted" role="status">
            Loading…
          </p>
        ) : rows.length === 0 ? (
          <p class="muted">Nothing here.</p>
        ) : (
          <div class="table-scroll">
            <table class="preview-table">
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Tries</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Updated</th>
                  {status === 'dead' && <th scope="col">Action</th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>{r.eventType}</td>
                    <td>{CHANNEL[r.channel] ?? r.channel}</td>
                    <td>{r.attempts}</td>
                    <td>{r.lastError ?? ''}</td>
                    <td>{formatDateTime(r.updatedAt)}</td>
                    {status === 'dead' && <ActionCell label="Retry" onClick={() => void retry(r.id)} />}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
