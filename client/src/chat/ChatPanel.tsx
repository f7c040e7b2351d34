// The session's conversation, for the room's side panel: fetches and subscribes on its own.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { authStore } from '../auth.js';
import { useStore } from '../store.js';
import { callsApi } from '../calls/api.js';
import { chatApi, type Conversation } from './api.js';
import { startChat } from './chatStore.js';
import { MessagePane } from './MessagePane.js';
import './chat.css';

export function ChatPanel({ sessionId }: { sessionId: string }) {
  const { user } = useStore(authStore);
  const [conv, setConv] = useState<Conversation | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!user) return;
    startChat();
    // A call's room shows the chat the call was started from.
    callsApi
      .ofSession(sessionId)
      .then((c) => chatApi.get(c.conversationId), () => chatApi.sessionChat(sessionId))
      .then(setConv, (err: unknown) => setError(err instanceof ApiError && err.status === 404 ? 'This session has no chat for you.' : 'Chat is unavailable.'));
  }, [sessionId, user?.id]);
  return (
    <section class="panel-section chat-room" aria-label="Chat">
      <h3>Chat</h3>
      {!user ? <p class="muted small">Sign in to use the session chat.</p> : error ? <p class="muted small">{error}</p> : conv ? <MessagePane conv={conv} compact /> : <p class="muted small">Loading chat…</p>}
    </section>
  );
}
