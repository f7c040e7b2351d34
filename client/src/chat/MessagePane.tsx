// A conversation on screen: history (paged back on demand), day separators, typing line,
// "Seen by N" on the latest message, pinned messages, a thread side panel, the composer.
// Used by the Chat page and by the room's chat panel.
import type { ComponentChildren } from 'preact';
import { CallButton } from '../calls/CallButton.js';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useStore } from '../store.js';
import { chatApi, type Conversation, type Message } from './api.js';
import { chatStore, convStore, fill, loadOlder, markRead, myUserId, setViewing } from './chatStore.js';
import { Composer } from './Composer.js';
import { MessageItem } from './MessageItem.js';
import { dayLabel } from './text.js';

/** A panel beside the conversation (a thread, the pins) with its title and a close button. */
function SidePanel({ label, title, closeLabel, onClose, children }: { label: string; title: string; closeLabel: string; onClose: () => void; children: ComponentChildren }) {
  return (
    <aside class="chat-thread" aria-label={label}>
      <div class="panel-head">
        <h3>{title}</h3>
        <button type="button" class="btn btn-ghost btn-small" onClick={onClose}>
          {closeLabel}
        </button>
      </div>
      {children}
    </aside>
  );
}

function Thread({ conv, root, names, onClose }: { conv: Conversation; root: Message; names: Map<string, string>; onClose: () => void }) {
  const state = useStore(convStore(conv.id));
  const me = myUserId();
  useEffect(() => {
    void chatApi.history(conv.id, { parentId: root.id, after: 0, limit: 200 }).then((list) => convStore(conv.id).update((s) => {
      const messages = new Map(s.messages);
      for (const m of list) messages.set(m.seq, m);
      return { ...s, messages };
    }));
  }, [root.id]);
  const all = [...state.messages.values()];
  const head = all.find((m) => m.id === root.id) ?? root;
  const replies = all.filter((m) => m.parentId === root.id).sort((a, b) => a.seq - b.seq);
  const pending = state.pending.filter((p) => p.parentId === root.id);
  return (
    <SidePanel label="Thread" title="Thread" closeLabel="Close thread" onClose={onClose}>
      <ul class="chat-list">
        <MessageItem m={head} author={names.get(head.authorId ?? '') ?? 'Lectern'} me={me} />
        {replies.map((m) => (
          <MessageItem key={m.id} m={m} author={names.get(m.authorId ?? '') ?? 'Someone'} me={me} />
        ))}
        {pending.map((m) => (
          <MessageItem key={m.id} m={m} author="You" me={me} pending />
        ))}
      </ul>
      <Composer conversationId={conv.id} parentId={root.id} label="Reply" />
    </SidePanel>
  );
}

function Pins({ conv, names, onClose }: { conv: Conversation; names: Map<string, string>; onClose: () => void }) {
  const [pins, setPins] = useState<Message[] | null>(null);
  useEffect(() => {
    const load = () => void chatApi.pins(conv.id).then(setPins);
    load();
    const on = (e: Event) => (e as CustomEvent<string>).detail === conv.id && load();
    window.addEventListener('lectern:chat-pins', on);
    return () => window.removeEventListener('lectern:chat-pins', on);
  }, [conv.id]);
  return (
    <SidePanel label="Pinned messages" title="Pinned" closeLabel="Close pins" onClose={onClose}>
      {pins?.length === 0 && <p class="muted small">Nothing pinned yet.</p>}
      <ul class="chat-list">
        {pins?.map((m) => (
          <MessageItem key={m.id} m={m} author={names.get(m.authorId ?? '') ?? 'Someone'} me={myUserId()} />
        ))}
      </ul>
    </SidePanel>
  );
}

export function MessagePane({ conv, compact = false, onBack }: { conv: Conversation; compact?: boolean; onBack?: () => void }) {
  const state = useStore(convStore(conv.id));
  const { online } = useStore(chatStore);
  const [thread, setThread] = useState<Message | null>(null);
  const [showPins, setShowPins] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);
  const me = myUserId();
  const names = useMemo(() => new Map(conv.members.map((m) => [m.userId, m.name])), [conv.members]);

  useEffect(() => {
    convStore(conv.id).update((s) => ({ ...s, reads: new Map([...conv.members.map((m) => [m.userId, m.lastReadSeq] as const), ...s.reads]) }));
    void fill(conv.id);
    setViewing(conv.id);
    return () => setViewing(null);
  }, [conv.id]);

  const main = [...state.messages.values()].filter((m) => m.parentId === null).sort((a, b) => a.seq - b.seq);
  const pending = state.pending.filter((p) => p.parentId === null);
  const latest = main.at(-1);

  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
    if (state.contiguous > 0 && document.visibilityState === 'visible') markRead(conv.id, state.contiguous);
  }, [main.length, pending.length, state.contiguous]);

  const seenBy = latest ? conv.members.filter((m) => m.userId !== me && m.userId !== latest.authorId && (state.reads.get(m.userId) ?? 0) >= latest.seq) : [];
  const typingNames = [...state.typing.values()].filter((t) => t.until > Date.now()).map((t) => t.name);
  const title = conv.kind === 'direct' ? conv.members.find((m) => m.userId !== me)?.name ?? 'Direct message' : conv.title;
  const others = conv.members.filter((m) => m.userId !== me);
  let lastDay = '';

  return (
    <div class={`chat-pane ${compact ? 'compact' : ''}`}>
      <div class="chat-pane-main">
        <div class="chat-pane-head">
          {onBack && (
            <button type="button" class="btn btn-ghost btn-small chat-back" onClick={onBack}>
              ← Chats
            </button>
          )}
          <div>
            <h2 class="chat-title">{title}</h2>
            {!compact && (
              <p class="muted small">
                {others.slice(0, 6).map((m, i) => (
                  <span key={m.userId}>
                    {i > 0 && ', '}
                    <span class={`dot ${online.has(m.userId) ? 'online' : ''}`} aria-label={online.has(m.userId) ? 'online' : 'offline'} /> {m.name}
                  </span>
                ))}
                {others.length > 6 && ` and ${others.length - 6} more`}
              </p>
            )}
          </div>
          {!compact && <CallButton conv={conv} />}
          <button type="button" class="btn btn-ghost btn-small" aria-pressed={showPins} onClick={() => {
              setThread(null);
              setShowPins(!showPins);
            }}>
            Pins
          </button>
        </div>
        <ul class="chat-list" ref={listRef} aria-label="Messages" aria-live="polite">
          {!state.loadedOldest && main.length > 0 && (
            <li class="chat-older">
              <button type="button" class="link-btn" onClick={() => void loadOlder(conv.id)}>
                Load older messages
              </button>
            </li>
          )}
          {main.map((m) => {
            const day = dayLabel(m.createdAt);
            const sep = day !== lastDay;
            lastDay = day;
            return (
              <>
                {sep && (
                  <li class="chat-day" role="separator" key={`d-${day}`}>
                    {day}
                  </li>
                )}
                <MessageItem key={m.id} m={m} author={names.get(m.authorId ?? '') ?? (m.authorId ? 'Former member' : 'Lectern')} me={me} onReply={(r) => {
                  setShowPins(false);
                  setThread(r);
                }} />
              </>
            );
          })}
          {pending.map((m) => (
            <MessageItem key={m.id} m={m} author="You" me={me} pending />
          ))}
          {main.length === 0 && pending.length === 0 && <li class="muted small chat-empty">No messages yet. Say hello!</li>}
        </ul>
        <div class="chat-status small muted">
          <span class="chat-typing">{typingNames.length > 0 && `${typingNames.join(', ')} ${typingNames.length === 1 ? 'is' : 'are'} typing…`}</span>
          {seenBy.length > 0 && (
            <span class="chat-seen" title={seenBy.map((m) => m.name).join(', ')}>
              Seen by {seenBy.length}
            </span>
          )}
        </div>
        <Composer conversationId={conv.id} />
      </div>
      {thread && <Thread conv={conv} root={thread} names={names} onClose={() => setThread(null)} />}
      {showPins && !thread && <Pins conv={conv} names={names} onClose={() => setShowPins(false)} />}
    </div>
  );
}
