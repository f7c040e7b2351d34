import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { authStore } from '../auth.js';
import { Link } from '../components/Link.js';
import { useStore } from '../store.js';

/** A full-screen message for the states outside the call (ended, left, removed, ...). */
export function StatusScreen({ title, children }: { title: string; children?: ComponentChildren }) {
  const { user } = useStore(authStore);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [title]);
  return (
    <main id="main" class="room-status">
      <div class="room-status-card">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {children}
        <p>
          {user ? (
            <Link href="/" class="btn btn-secondary">
              Back to {user.role === 'student' ? 'dashboard' : 'start page'}
            </Link>
          ) : (
            <span class="muted">You can close this tab.</span>
          )}
        </p>
      </div>
    </main>
  );
}
