// Every route refuses the unauthenticated: the sweep reads each operation's declared auth
// (`x-lectern-auth`, from the guard the route installs; see plugins/routeAuth.ts) out of
// /openapi.json and calls it without a token (401), with a forged token (401), and for
// role-restricted operations with a token of every role left out (403). Path parameters
// get well-formed values and bodies are `{}`, so a 401 or 403 can only come from the
// guard, which runs before validation and look-ups. Public operations are listed here,
// so making one public is a visible change to this file.
import { USER_ROLES, type UserRole } from '@lectern/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { roleRefusal } from '../plugins/authPlugin.js';
import type { RouteAuth } from '../plugins/routeAuth.js';
import { useTestApp, type TestUser } from '../test/harness.js';

const PUBLIC = [
  'GET /healthz',
  'GET /readyz',
  'POST /api/auth/login',
  'POST /api/auth/refresh', // a refresh token (cookie or body) instead of a bearer
  'POST /api/auth/logout',
  'POST /api/auth/password-reset',
  'POST /api/auth/password-reset/confirm',
  'GET /api/setup',
  'POST /api/setup', // the one-time setup token from the log
  'GET /api/join/{code}',
  'POST /api/join',
  'GET /api/calendar/{token}', // the secret feed URL
  'GET /api/push/vapid-public-key',
  'GET /api/hosts/{handle}',
  'GET /api/hosts/{handle}/slots',
  'POST /api/bookings', // guests book with name and email
  'GET /api/bookings/manage/{token}', // the guest's private link
  'POST /api/bookings/manage/{token}/cancel',
  'POST /api/bookings/manage/{token}/reschedule',
].sort();

interface Operation {
  key: string;
  method: string;
  url: string;
  auth: RouteAuth | undefined;
  security: unknown;
}

const UUID = '3f1c2b7e-8a4d-4c2e-9b1f-6d5e4a3b2c1d';
/** A well-formed value for each path parameter name (ids are uuids). */
const PARAM_VALUES: Record<string, string> = { code: 'ABCDEFGH', handle: 'some-host', token: 'a'.repeat(43), file: 'track-1.mkv' };

function operations(doc: { paths: Record<string, Record<string, { 'x-lectern-auth'?: RouteAuth; security?: unknown }>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => PARAM_VALUES[name] ?? UUID);
      ops.push({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), url, auth: op['x-lectern-auth'], security: op.security });
    }
  }
  return ops;
}

describe('every route refuses the unauthenticated', () => {
  const t = useTestApp('pglite');
  let ops: Operation[] = [];
  const users = {} as Record<UserRole, TestUser>;

  beforeAll(async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    ops = operations(res.json());
    for (const role of USER_ROLES) users[role] = await t.userWithToken(role);
  });

  const answer = async (op: Operation, headers: Record<string, string> = {}) => {
    const withBody = op.method !== 'GET' && op.method !== 'DELETE';
    const res = await t.app.inject({ method: op.method as 'GET', url: op.url, headers, ...(withBody ? { payload: {} } : {}) });
    const message = String(res.headers['content-type']).startsWith('application/json') ? (res.json<{ error?: { message?: string } }>().error?.message ?? '') : '';
    return { status: res.statusCode, message };
  };
  const call = async (op: Operation, headers: Record<string, string> = {}): Promise<number> => (await answer(op, headers)).status;

  it('auth sweep: every operation declares its auth, and the public ones are exactly the listed ones', () => {
    expect(ops.length).toBeGreaterThanOrEqual(74);
    expect(ops.filter((op) => !op.auth).map((op) => op.key)).toEqual([]);
    expect(ops.filter((op) => op.auth?.kind === 'public').map((op) => op.key).sort()).toEqual(PUBLIC);
    // OpenAPI tells clients the same: public operations need no bearer, the rest inherit it.
    const mismatched = ops.filter((op) => (op.auth?.kind === 'public') !== (Array.isArray(op.security) && op.security.length === 0));
    expect(mismatched.map((op) => op.key)).toEqual([]);
  });

  it('auth sweep: every non-public operation answers 401 without a token and with a forged one', async () => {
    const forged = `Bearer ${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.c2lnbmF0dXJl`;
    const wrong: string[] = [];
    const guarded = ops.filter((op) => op.auth && op.auth.kind !== 'public');
    expect(guarded.length).toBeGreaterThanOrEqual(90);
    for (const op of guarded) {
      const anonymous = await call(op);
      const bad = await call(op, { authorization: forged });
      if (anonymous !== 401 || bad !== 401) wrong.push(`${op.key}: ${anonymous} without a token, ${bad} with a forged one`);
    }
    expect(wrong).toEqual([]);
  });

  it('auth sweep: role-restricted operations answer 403 to every other role and let their roles past the guard', async () => {
    const wrong: string[] = [];
    const restricted = ops.filter((op): op is Operation & { auth: { kind: 'roles'; roles: UserRole[] } } => op.auth?.kind === 'roles');
    expect(restricted.length).toBeGreaterThanOrEqual(10);
    for (const op of restricted) {
      for (const role of USER_ROLES) {
        const { status, message } = await answer(op, users[role].headers);
        const refused = status === 403 && message === roleRefusal(op.auth.roles);
        const allowed = op.auth.roles.includes(role);
        if (!allowed && !refused) wrong.push(`${op.key} as ${role}: ${status} ${message}, expected the guard's 403`);
        // Allowed: past the guard; what follows (400 for `{}`, 404 for the made-up id, a route's own 403) is the route's.
        if (allowed && (status === 401 || refused)) wrong.push(`${op.key} as ${role}: ${status} ${message}, expected past the guard`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
