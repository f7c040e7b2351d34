import type { RoomClient } from './RoomClient.js';
import type { Notice } from './roomTypes.js';

/** Short-lived messages ("The host muted your microphone."), announced politely. */
export function Notices({ notices, client }: { notices: Notice[]; client: RoomClient }) {
  return (
    <div class="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} class={`notice notice-${n.tone}`}>
          <span>{n.text}</span>
          <button type="button" class="notice-close" aria-label="Dismiss" onClick={() => client.dismissNotice(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
