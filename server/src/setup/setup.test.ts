import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accountTokens } from '@lectern/db';
import { dbKinds, useTestApp } from '../test/harness.js';
import { issueSetupToken, sha256 } from './service.js';

describe.each(dbKinds())('first-run setup on %s', (kind) => {
  const t = useTestApp(kind);

  const setup = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/setup', payload: body });

  it('setup: an empty database needs setup; the token is stored hashed, works once, and every later call is refused', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/setup' })).json()).toEqual({ needed: true });
    const token = (await issueSetupToken(t.runtime.ctx))!;
    const older = (await issueSetupToken(t.runtime.ctx))!;
    const rows = await t.runtime.ctx.db.select().from(accountTokens).where(eq(accountTokens.kind, 'setup'));
    expect(rows.map((r) => r.tokenHash)).toContain(sha256(token));
    expect(rows.some((r) => r.tokenHash === token)).toBe(false);

    const bad = await setup({ token: 'x'.repeat(43), email: 'boss@school.test', password: 'a long password', name: 'Boss' });
    expect(bad.statusCode).toBe(404);
    const short = await setup({ token, email: 'not-an-email', password: 'short', name: '' });
    expect(short.statusCode).toBe(400);

    const ok = await setup({ token, email: 'Boss@School.test', password: 'a long password', name: 'Bea Boss' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ user: { email: 'boss@school.test', name: 'Bea Boss', role: 'admin' } });
    expect((await t.app.inject({ method: 'GET', url: '/api/setup' })).json()).toEqual({ needed: false });

    const again = await setup({ token, email: 'other@school.test', password: 'a long password', name: 'Other' });
    expect(again.statusCode).toBe(409);
    const withOther = await setup({ token: older, email: 'other@school.test', password: 'a long password', name: 'Other' });
    expect(withOther.statusCode).toBe(409);
    const live = await t.runtime.ctx.db.select().from(accountTokens).where(eq(accountTokens.kind, 'setup'));
    expect(live.every((r) => r.usedAt !== null)).toBe(true);
    expect(await issueSetupToken(t.runtime.ctx)).toBeNull();

    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'boss@school.test', password: 'a long password' } });
    expect(login.statusCode).toBe(200);
    expect(login.json<{ user: { role: string } }>().user.role).toBe('admin');
  });
});
