// The total of unread chat messages, beside the header's Chat link (kept live by the chat socket).
import { useEffect } from 'preact/hooks';
import { useStore } from '../store.js';
import { chatStore, refreshList, startChat } from './chatStore.js';
import './chat.css';

export function ChatUnreadBadge() {
  const { list } = useStore(chatStore);
  useEffect(() => {
    startChat();
    void refreshList().catch(() => undefined);
  }, []);
  const total = list.reduce((n, c) => n + c.unreadCount, 0);
  if (total === 0) return null;
  return (
    <span class="chat-nav-badge" aria-label={`${total} unread messages`}>
      {total > 99 ? '99+' : total}
    </span>
  );
}
