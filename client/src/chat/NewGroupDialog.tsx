// New group: a title and members picked from the people I may reach, grouped by course.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { Options } from '../components/SelectField.js';
import { chatApi, type Contact, type Conversation } from './api.js';
import { ChatError } from './ChatError.js';

export function NewGroupDialog({ onDone, onCancel }: { onDone: (c: Conversation) => void; onCancel: () => void }) {
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [title, setTitle] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void chatApi.contacts().then(setContacts, () => setContacts([])), []);

  const groups = new Map<string, Contact[]>();
  for (const c of contacts) {
    const keys = c.courses.length ? c.courses.map((x) => x.title) : [c.role === 'student' ? 'Other students' : 'Staff'];
    for (const k of keys) groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  const toggle = (id: string) => setPicked((p) => (p.has(id) ? new Set([...p].filter((x) => x !== id)) : new Set(p).add(id)));
  const submit = async () => {
    setError(null);
    try {
      onDone(await chatApi.createGroup(title.trim(), [...picked]));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not create the group');
    }
  };
  return (
    <div class="chat-dialog" role="dialog" aria-modal="true" aria-labelledby="new-group-title">
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="new-group-title">New group</h2>
        <label class="field">
          <span>Group name</span>
          <input value={title} maxLength={100} required onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <div class="chat-picker-list">
          {[...groups].map(([course, people]) => (
            <fieldset key={course}>
              <legend>{course}</legend>
              {people.map((p) => (
                <label key={p.userId} class="chat-check">
                  <input type="checkbox" checked={picked.has(p.userId)} onChange={() => toggle(p.userId)} /> {p.name} <span class="muted small">{p.role}</span>
                </label>
              ))}
            </fieldset>
          ))}
          {contacts.length === 0 && <p class="muted small">Nobody to add yet: enrol students in your courses first.</p>}
        </div>
        <ChatError error={error} />
        <div class="chat-dialog-actions">
          <button type="button" class="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
          <button class="btn btn-primary" disabled={!title.trim()}>
            Create group
          </button>
        </div>
      </form>
    </div>
  );
}

/** Start a direct conversation with someone I may reach. */
export function NewDirect({ onDone }: { onDone: (c: Conversation) => void }) {
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void chatApi.contacts().then(setContacts, () => setContacts([])), []);
  return (
    <div class="chat-direct">
      <label class="field">
        <span>Message someone</span>
        <select
          onChange={(e) => {
            const id = e.currentTarget.value;
            if (id) chatApi.openDirect(id).then(onDone, (err: unknown) => setError(err instanceof ApiError ? err.message : 'Could not open it'));
          }}
        >
          <Options blank="Choose a person…" options={contacts.map((c) => [c.userId, `${c.name} (${c.role})`] as const)} />
        </select>
      </label>
      {error && <p class="chat-error">{error}</p>}
    </div>
  );
}
