// The Chat page: conversation list (unread badges, filter by name, message search) and the
// open conversation; on a phone, list and conversation are two screens.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { authStore } from '../auth.js';
import { navigate, type Params } from '../router.js';
import { useStore } from '../store.js';
import { chatApi, type Conversation, type ConversationSummary, type Message } from './api.js';
import { ChatError } from './ChatError.js';
import { chatStore, myUserId, refreshList, startChat, whoIsOnline } from './chatStore.js';
import { MessagePane } from './MessagePane.js';
import { NewDirect, NewGroupDialog } from './NewGroupDialog.js';
import { timeOf } from './text.js';
import './chat.css';

const nameOf = (c: ConversationSummary | Conversation, me: string | null) =>
  c.kind === 'direct' ? c.members.find((m) => m.userId !== me)?.name ?? 'Direct message' : c.title;

export function ChatPage({ params }: { params: Params }) {
  const { list, loaded } = useStore(chatStore);
  const { user } = useStore(authStore);
  const [filter, setFilter] = useState('');
  const [dialog, setDialog] = useState(false);
  const [open, setOpen] = useState<Conversation | null>(null);
  const [hits, setHits] = useState<(Message & { conversationTitle: string })[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const current = params.id ?? null;
  const me = myUserId();
  const staff = user?.role !== 'student';

  useEffect(() => {
    startChat();
    void refreshList().catch(() => undefined);
  }, []);
  useEffect(() => {
    if (!current) return setOpen(null);
    chatApi.get(current).then(setOpen, (err: unknown) => setError(err instanceof ApiError ? err.message : 'Cannot open this conversation'));
  }, [current]);
  useEffect(() => {
    const on = (e: Event) => {
      const c = (e as CustomEvent<Conversation>).detail;
      if (c.id === current) setOpen(c);
    };
    window.addEventListener('lectern:chat-conversation', on);
    return () => window.removeEventListener('lectern:chat-conversation', on);
  }, [current]);
  useEffect(() => {
    const ids = [...new Set(list.flatMap((c) => c.members.map((m) => m.userId)))];
    void whoIsOnline(ids).catch(() => undefined);
    const t = setInterval(() => void whoIsOnline(ids).catch(() => undefined), 30_000);
    return () => clearInterval(t);
  }, [list.length]);

  const total = list.reduce((n, c) => n + c.unreadCount, 0);
  const shown = list.filter((c) => nameOf(c, me).toLowerCase().includes(filter.toLowerCase()));
  const go = (id: string) => navigate(`/chat/${id}`);
  const search = async (q: string) => setHits(q.trim() ? await chatApi.search(q.trim()) : null);

  return (
    <div class={`chat-page ${current ? 'has-open' : ''}`}>
      <section class="chat-sidebar" aria-label="Conversations">
        <div class="chat-sidebar-head">
          <h1>
            Chat {total > 0 && <span class="chat-badge" aria-label={`${total} unread`}>{total}</span>}
          </h1>
          <button type="button" class="btn btn-primary btn-small" onClick={() => (staff ? setDialog(true) : setError('Students cannot create group chats. Ask your teacher to create one.'))}>
            New group
          </button>
        </div>
        <ChatError error={error} />
        <input class="chat-filter" type="search" aria-label="Search conversations" placeholder="Search by name" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <ul class="chat-convs">
          {shown.map((c) => (
            <li key={c.id}>
              <button type="button" class={`chat-conv ${c.id === current ? 'active' : ''}`} aria-current={c.id === current ? 'true' : undefined} onClick={() => go(c.id)}>
                <span class="chat-conv-title">
                  {nameOf(c, me)} {c.kind === 'session' && <span class="muted small">(session)</span>}
                </span>
                {c.unreadCount > 0 && <span class="chat-badge" aria-label={`${c.unreadCount} unread`}>{c.unreadCount}</span>}
                {c.lastMessage && (
                  <span class="chat-conv-last muted small">
                    {c.lastMessage.text.slice(0, 60) || 'File'} · {timeOf(c.lastMessage.createdAt)}
                  </span>
                )}
              </button>
            </li>
          ))}
          {loaded && list.length === 0 && <li class="muted small">No conversations yet.</li>}
        </ul>
        <NewDirect onDone={(c) => go(c.id)} />
        <form
          class="chat-search"
          onSubmit={(e) => {
            e.preventDefault();
            const q = new FormData(e.currentTarget).get('q');
            void search(typeof q === 'string' ? q : '');
          }}
        >
          <input name="q" type="search" aria-label="Search messages" placeholder="Search messages" />
        </form>
        {hits && (
          <ul class="chat-hits" aria-label="Search results">
            {hits.length === 0 && <li class="muted small">No messages found.</li>}
            {hits.map((h) => (
              <li key={h.id}>
                <button type="button" class="link-btn" onClick={() => go(h.conversationId)}>
                  <strong>{h.conversationTitle || 'Direct message'}</strong>: {h.text.slice(0, 80)}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="chat-main" aria-label="Conversation">
        {open ? <MessagePane key={open.id} conv={open} onBack={() => navigate('/chat')} /> : <p class="muted chat-placeholder">Choose a conversation.</p>}
      </section>
      {dialog && (
        <NewGroupDialog
          onCancel={() => setDialog(false)}
          onDone={(c) => {
            setDialog(false);
            void refreshList();
            go(c.id);
          }}
        />
      )}
    </div>
  );
}
