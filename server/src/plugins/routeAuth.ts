// Who may call a route, declared once: the onRequest guard a route installs carries its
// declaration, and `schema.security: []` marks a public route. `publishRouteAuth` (an
// onRoute hook) refuses a documented route that declares nothing and writes the
// declaration into OpenAPI as `x-lectern-auth`, which the auth sweep test reads.
import type { RouteOptions } from 'fastify';
import { USER_ROLES, type UserRole } from '@lectern/db';

/** Roles in their canonical order (admin first), without repeats. */
export const canonicalRoles = (roles: readonly UserRole[]): UserRole[] => USER_ROLES.filter((r) => roles.includes(r));

export type RouteAuth =
  /** No credentials needed (login, join by code, public booking pages, secret-link feeds). */
  | { kind: 'public' }
  /** Any signed-in user; finer checks (owner, host of the session) are the route's own. */
  | { kind: 'user' }
  /** Signed-in users of these roles; the rest get 403. */
  | { kind: 'roles'; roles: readonly UserRole[] }
  /** A signed-in user or a room token of the session (`?token=`). */
  | { kind: 'room' };

export const AUTH_EXTENSION = 'x-lectern-auth';

const declared = new WeakMap<object, RouteAuth>();

/** Marks `guard` as enforcing `auth` (returns it). */
export function declareGuard<G extends object>(guard: G, auth: RouteAuth): G {
  declared.set(guard, auth);
  return guard;
}

/** The route's declaration: the one guard among its onRequest hooks, or public by `security: []`. */
export function routeAuth(route: Pick<RouteOptions, 'onRequest' | 'schema' | 'url'>): RouteAuth | null {
  const hooks: unknown[] = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
  const guards = hooks.flatMap((h) => (typeof h === 'function' && declared.has(h) ? [declared.get(h)!] : []));
  const security = (route.schema as { security?: unknown } | undefined)?.security;
  const isPublic = Array.isArray(security) && security.length === 0;
  if (guards.length > 1 || (guards.length === 1 && isPublic)) throw new Error(`${route.url}: declare one auth, not several`);
  return guards[0] ?? (isPublic ? { kind: 'public' } : null);
}

/** onRoute: every documented route declares its auth; OpenAPI shows it. */
export function publishRouteAuth(route: RouteOptions): void {
  const schema = route.schema as (Record<string, unknown> & { hide?: boolean }) | undefined;
  if (!schema || schema.hide) return;
  const auth = routeAuth(route);
  if (!auth) {
    const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
    throw new Error(`${method} ${route.url} declares no auth: add onRequest app.requireAuth, app.requireRole(...), app.requireRoomToken, or schema.security: [] for a public route`);
  }
  schema[AUTH_EXTENSION] = auth;
}
