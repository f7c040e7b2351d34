import { authStore, logout } from '../auth.js';
import { locationStore, navigate } from '../router.js';
import { ROUTES } from '../routes.js';
import { useStore } from '../store.js';
import { Link } from './Link.js';
import { initials, ROLE_LABEL } from './people.js';
import { NotificationBell } from '../notifications/NotificationBell.js';
import { ThemeToggle } from './ThemeToggle.js';
import { ChatUnreadBadge } from '../chat/ChatUnreadBadge.js';

/** "Lectern", the nav links for this role, the user's name and Sign out. */
export function Header() {
  const { user } = useStore(authStore);
  const { path } = useStore(locationStore);
  const links = user
    ? ROUTES.filter((r) => r.nav && (!r.nav.roles || r.nav.roles.includes(user.role)))
    : [];

  const signOut = async () => {
    await logout();
    navigate('/login', { replace: true });
  };

  return (
    <header class="app-header">
      <div class="app-header-inner">
        <Link href={user ? '/' : '/login'} class="brand">
          <span class="brand-mark" aria-hidden="true">
            L
          </span>
          <span class="brand-text">Lectern</span>
        </Link>
        {links.length > 1 && (
          <nav aria-label="Main">
            <ul class="nav-links">
              {links.map((r) => (
                <li key={r.path}>
                  <Link href={r.path} aria-current={path === r.path ? 'page' : undefined}>
                    {r.nav?.label}
                    {r.path === '/chat' && <ChatUnreadBadge />}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div class="header-user">
          {user ? (
            <>
              <NotificationBell />
              <ThemeToggle />
              <Link href="/account" class="user-name" aria-current={path === "/account" ? "page" : undefined}>
                <span class="header-avatar" aria-hidden="true">
                  {initials(user.name)}
                </span>
                <span class="user-name-text">
                  {user.name} <span class="user-role">{ROLE_LABEL[user.role]}</span>
                </span>
              </Link>
              <button type="button" class="btn btn-ghost header-signout" onClick={signOut}>
                Sign out
              </button>
            </>
          ) : (
            path !== '/login' && (
              <Link href={`/login?next=${encodeURIComponent(path)}`} class="btn btn-ghost">
                Sign in
              </Link>
            )
          )}
        </div>
      </div>
    </header>
  );
}
