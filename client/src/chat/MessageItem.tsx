// One message: author, time, linkified text, files (image thumbnails), reactions,
// and its actions (react, reply in thread, pin, edit, delete).
import { CallMessage } from '../calls/CallMessage.js';
import type { REACTIONS } from '@lectern/server/contract/chat';
import { useEffect, useState } from 'preact/hooks';
import { chatApi, fileUrl, type Attachment, type Message } from './api.js';
import { Linkified, timeOf } from './text.js';

export const EMOJIS = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '✅'] as const satisfies readonly (typeof REACTIONS)[number][];

function FileView({ a }: { a: Attachment }) {
  const [src, setSrc] = useState<string | null>(null);
  const image = a.contentType.startsWith('image/');
  useEffect(() => {
    if (image) void fileUrl(a.url).then(setSrc, () => setSrc(null));
  }, [a.url]);
  const download = async () => {
    const url = await fileUrl(a.url);
    const link = document.createElement('a');
    link.href = url;
    link.download = a.fileName;
    link.click();
  };
  return image && src ? (
    <button type="button" class="chat-image" onClick={() => void download()} title={`Download ${a.fileName}`}>
      <img src={src} alt={a.fileName} loading="lazy" />
    </button>
  ) : (
    <button type="button" class="chat-file" onClick={() => void download()}>
      {a.fileName} <span class="muted small">({Math.max(1, Math.round(a.sizeBytes / 1024))} KB)</span>
    </button>
  );
}

interface Props {
  m: Message;
  author: string;
  me: string | null;
  pending?: boolean;
  onReply?: (m: Message) => void;
}

export function MessageItem({ m, author, me, pending, onReply }: Props) {
  const [picker, setPicker] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const mine = m.authorId === me;
  if (m.kind !== 'text') {
    return (
      <li class="chat-msg chat-system" data-seq={m.seq}>
        {m.kind === 'call' ? <CallMessage m={m} time={timeOf(m.createdAt)} /> : <><span>{m.text}</span> <span class="muted small">{timeOf(m.createdAt)}</span></>}
      </li>
    );
  }
  const deleted = m.deletedAt !== null;
  const saveEdit = async () => {
    if (editing?.trim()) await chatApi.edit(m.conversationId, m.id, editing.trim());
    setEditing(null);
  };
  return (
    <li class={`chat-msg ${mine ? 'mine' : ''} ${pending ? 'pending' : ''}`} data-seq={m.seq} aria-label={`Message from ${author}`}>
      <div class="chat-msg-head">
        <strong>{author}</strong> <span class="muted small">{timeOf(m.createdAt)}</span>
        {m.editedAt && !deleted && <span class="muted small"> (edited)</span>}
        {m.pinned && <span class="chat-pin-mark small"> 📌 pinned</span>}
      </div>
      {deleted ? (
        <p class="chat-text muted">
          <em>message deleted</em>
        </p>
      ) : editing !== null ? (
        <form
          class="chat-edit"
          onSubmit={(e) => {
            e.preventDefault();
            void saveEdit();
          }}
        >
          <input aria-label="Edit message" value={editing} maxLength={4000} onInput={(e) => setEditing(e.currentTarget.value)} />
          <button class="btn btn-small btn-primary">Save</button>
          <button type="button" class="btn btn-small btn-ghost" onClick={() => setEditing(null)}>
            Cancel
          </button>
        </form>
      ) : (
        m.text && (
          <p class="chat-text">
            <Linkified text={m.text} />
          </p>
        )
      )}
      {!deleted && m.attachments.map((a) => <FileView key={a.id} a={a} />)}
      {!deleted && m.reactions.length > 0 && (
        <div class="chat-reactions">
          {m.reactions.map((r) => (
            <button
              type="button"
              key={r.emoji}
              class={`chat-reaction ${me && r.userIds.includes(me) ? 'on' : ''}`}
              aria-label={`${r.emoji} ${r.userIds.length}`}
              onClick={() => void chatApi.react(m.conversationId, m.id, r.emoji)}
            >
              {r.emoji} {r.userIds.length}
            </button>
          ))}
        </div>
      )}
      {!pending && !deleted && (
        <div class="chat-actions">
          {onReply && (
            <button type="button" class="link-btn" onClick={() => onReply(m)}>
              {m.replyCount > 0 ? `${m.replyCount} ${m.replyCount === 1 ? 'reply' : 'replies'}` : 'Reply'}
            </button>
          )}
          <button type="button" class="link-btn" aria-expanded={picker} onClick={() => setPicker(!picker)}>
            React
          </button>
          <button type="button" class="link-btn" onClick={() => void (m.pinned ? chatApi.unpin(m.conversationId, m.id) : chatApi.pin(m.conversationId, m.id))}>
            {m.pinned ? 'Unpin' : 'Pin'}
          </button>
          {mine && (
            <>
              <button type="button" class="link-btn" onClick={() => setEditing(m.text)}>
                Edit
              </button>
              <button type="button" class="link-btn" onClick={() => confirm('Delete this message?') && void chatApi.remove(m.conversationId, m.id)}>
                Delete
              </button>
            </>
          )}
        </div>
      )}
      {picker && (
        <div class="chat-picker" role="group" aria-label="Pick a reaction">
          {EMOJIS.map((e) => (
            <button
              type="button"
              key={e}
              aria-label={`React ${e}`}
              onClick={() => {
                setPicker(false);
                void chatApi.react(m.conversationId, m.id, e);
              }}
            >
              {e}
            </button>
          ))}
        </div>
      )}
    </li>
  );
}
