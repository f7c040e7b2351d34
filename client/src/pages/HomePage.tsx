import { useStore } from '../store.js';
import { authStore } from '../auth.js';
import { AdminPage } from './AdminPage.js';
import { StudentDashboard } from './StudentDashboard.js';
import { TeacherHub } from './TeacherHub.js';

/** `/` by role: admin -> Admin, teacher/mentor -> Teacher hub, student -> Dashboard. */
export function HomePage() {
  const { user } = useStore(authStore);
  if (!user) return null;
  switch (user.role) {
    case 'admin':
      return <AdminPage user={user} />;
    case 'teacher':
    case 'mentor':
      return <TeacherHub user={user} />;
    case 'student':
      return <StudentDashboard user={user} />;
  }
}
