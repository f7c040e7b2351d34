// The message box: text (Enter sends, Shift+Enter a new line), a file with upload progress,
// typing signals (throttled).
import { useRef, useState } from 'preact/hooks';
import { uploadFile } from './api.js';
import { ChatSendError, sendMessage, typing } from './chatStore.js';
import { ChatError } from './ChatError.js';

export function Composer({ conversationId, parentId, label = 'Message' }: { conversationId: string; parentId?: string; label?: string }) {
  const [text, setText] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const send = async () => {
    const body = text.trim();
    if (!body) return;
    setText('');
    setError(null);
    try {
      await sendMessage(conversationId, body, parentId ? { parentId } : {});
    } catch (err) {
      setError(err instanceof ChatSendError ? err.message : 'Not sent: check your connection');
      setText(body);
    }
  };

  const upload = async (file: File) => {
    setError(null);
    setProgress(0);
    try {
      const a = await uploadFile(conversationId, file, setProgress);
      await sendMessage(conversationId, text.trim(), { attachmentIds: [a.id], ...(parentId ? { parentId } : {}) });
      setText('');
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Upload failed');
    } finally {
      setProgress(null);
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  return (
    <form
      class="chat-composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <ChatError error={error} />
      {progress !== null && <progress class="chat-progress" aria-label="Upload progress" max={1} value={progress} />}
      <div class="chat-composer-row">
        <label class="btn btn-ghost btn-small chat-attach">
          Attach file
          <input ref={fileRef} type="file" class="visually-hidden" aria-label="Attach file" onChange={(e) => e.currentTarget.files?.[0] && void upload(e.currentTarget.files[0])} />
        </label>
        <textarea
          aria-label={label}
          placeholder={label === 'Message' ? 'Write a message' : 'Reply in thread'}
          rows={1}
          maxLength={4000}
          value={text}
          onInput={(e) => {
            setText(e.currentTarget.value);
            typing(conversationId);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void send();
            }
          }}
        />
        <button class="btn btn-primary btn-small" disabled={!text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}
