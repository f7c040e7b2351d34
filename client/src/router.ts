// A tiny router on history.pushState: path patterns with `:params`, a location store and
// navigate(). Route tables live in routes.tsx.
import { Store } from './store.js';

export interface Location {
  path: string;
  search: URLSearchParams;
}

function readLocation(): Location {
  return { path: window.location.pathname, search: new URLSearchParams(window.location.search) };
}

export const locationStore = new Store<Location>(readLocation());

window.addEventListener('popstate', () => locationStore.set(readLocation()));

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const url = new URL(to, window.location.origin);
  const target = url.pathname + url.search + url.hash;
  if (target === window.location.pathname + window.location.search + window.location.hash && !opts.replace) return;
  if (opts.replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  locationStore.set(readLocation());
  if (!opts.replace) window.scrollTo(0, 0);
}

export type Params = Record<string, string>;

/** Matches `/room/:sessionId` against `/room/abc`; returns the params or null. */
export function matchPath(pattern: string, path: string): Params | null {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}

/** For <a onClick>: in-app navigation for plain left clicks, the browser's for the rest. */
export function linkClick(e: MouseEvent, href: string): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(href);
}
