import { joinUrl } from '../sessions.js';
import { formatDateTime } from '../time.js';
import type { JoinCode } from '../types.js';
import { CopyButton } from './CopyButton.js';

/** A fresh join code with its link and a Copy button. */
export function JoinCodeBox({ code }: { code: JoinCode }) {
  const url = joinUrl(code);
  return (
    <div class="join-code" role="group" aria-label="Join code">
      <div>
        <span class="muted small">Join code</span>
        <div class="code-value">{code.code}</div>
      </div>
      <div class="join-link">
        <span class="muted small">Link (valid until {formatDateTime(code.expiresAt)})</span>
        <div class="inline-row">
          <input readOnly value={url} aria-label="Join link" onFocus={(e) => e.currentTarget.select()} />
          <CopyButton text={url} label="Copy" />
        </div>
      </div>
    </div>
  );
}
