import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { authStore } from './auth.js';
import { CallLayer } from './calls/RingingDialog.js';
import { Header } from './components/Header.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { locationStore, matchPath, navigate, type Params } from './router.js';
import { ROUTES, type RouteDef } from './routes.js';
import { useStore } from './store.js';

function resolve(path: string): { route: RouteDef; params: Params } | null {
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return null;
}

export function App() {
  const auth = useStore(authStore);
  const location = useStore(locationStore);
  const match = resolve(location.path);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  const needsAuth = match && match.route.access !== 'public';
  useEffect(() => {
    if (needsAuth && auth.status === 'signedOut') {
      const next = location.path + (location.search.toString() ? `?${location.search.toString()}` : '');
      navigate(`/login${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`, { replace: true });
    }
    if (match?.route.path === '/login' && auth.status === 'signedIn') navigate('/', { replace: true });
  }, [needsAuth, auth.status, location.path]);

  useEffect(() => {
    document.title = match ? `${match.route.title} · Lectern` : 'Not found · Lectern';
    // Move focus to the new page for keyboard and screen-reader users (not on first load).
    if (first.current) first.current = false;
    else main.current?.focus({ preventScroll: true });
  }, [location.path]);

  if (auth.status === 'unknown' && (needsAuth || match?.route.path === '/login')) {
    return (
      <div class="boot" role="status">
        Loading…
      </div>
    );
  }

  if (!match) {
    return (
      <Shell main={main}>
        <NotFoundPage />
      </Shell>
    );
  }
  const { route, params } = match;
  if (needsAuth && auth.status !== 'signedIn') return null;
  const allowed = !Array.isArray(route.access) || (auth.user !== null && route.access.includes(auth.user.role));
  const Page = route.component;
  const body = allowed ? (
    <Page params={params} />
  ) : (
    <div class="card narrow">
      <h1>No access</h1>
      <p>Your account cannot open this page.</p>
    </div>
  );
  const calls = auth.status === 'signedIn' ? <CallLayer /> : null;
  if (route.layout === 'bare') return (
    <>
      {body}
      {calls}
    </>
  );
  return (
    <Shell main={main}>
      {body}
      {calls}
    </Shell>
  );
}

function Shell({ main, children }: { main: { current: HTMLElement | null }; children: ComponentChildren }) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" ref={main} class="app-main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
