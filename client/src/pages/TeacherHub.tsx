import { HubContent } from '../components/HubContent.js';
import type { User } from '../types.js';

export function TeacherHub({ user }: { user: User }) {
  return (
    <>
      <div class="page-head">
        <h1>Teacher hub</h1>
        <p class="muted">Start a session now, schedule one, and share join codes.</p>
      </div>
      <HubContent user={user} />
    </>
  );
}
