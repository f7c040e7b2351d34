// Join codes under pressure: a generated code that collides with a live one is retried, and
// look-ups from many addresses together stop at the global limit (shared by every node
// through the counters: Redis when REDIS_URL is set).
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { joinCodes } from '@lectern/db';
import { insertSession } from '../notifications/test/fixtures.js';
import { dbKinds, useTestApp } from '../test/harness.js';
import { CODE_ATTEMPTS, createCode } from './joinCodes.js';

/** A generator that answers `codes` in turn (the last one for ever), counting its calls. */
function scripted(...codes: string[]): { next: () => string; calls: () => number } {
  let n = 0;
  return { next: () => codes[Math.min(n++, codes.length - 1)]!, calls: () => n };
}

describe.each(dbKinds())('join code limits on %s', (kind) => {
  const t = useTestApp(kind, { env: { LECTERN_JOIN_RATE_PER_IP: '100', LECTERN_JOIN_RATE_GLOBAL: '5', LECTERN_JOIN_RATE_WINDOW_SECONDS: '60' } });

  async function session(): Promise<{ sid: string; hostId: string; expiresAt: Date }> {
    const host = await t.userWithToken('teacher');
    const sid = await insertSession(t.runtime.ctx.db, { hostId: host.id, scheduledAt: t.clock.now() });
    return { sid, hostId: host.id, expiresAt: new Date(t.clock.now().getTime() + 3_600_000) };
  }

  it('join codes: a generated code that is already taken is replaced by the next one', async () => {
    const { sid, hostId, expiresAt } = await session();
    const { db } = t.runtime.ctx;
    await createCode(db, t.clock, sid, hostId, expiresAt, () => 'CCCCCCC1');
    const gen = scripted('CCCCCCC1', 'CCCCCCC1', 'CCCCCCC2');
    const row = await createCode(db, t.clock, sid, hostId, expiresAt, gen.next);
    expect(row.code).toBe('CCCCCCC2');
    expect(gen.calls()).toBe(3);
    const stored = await db.select({ code: joinCodes.code }).from(joinCodes).where(eq(joinCodes.sessionId, sid));
    expect(stored.map((r) => r.code).sort()).toEqual(['CCCCCCC1', 'CCCCCCC2']);
  });

  it('join codes: a generator that only ever collides fails after a bounded number of attempts', async () => {
    const { sid, hostId, expiresAt } = await session();
    const { db } = t.runtime.ctx;
    await createCode(db, t.clock, sid, hostId, expiresAt, () => 'DDDDDDD1');
    const gen = scripted('DDDDDDD1');
    await expect(createCode(db, t.clock, sid, hostId, expiresAt, gen.next)).rejects.toThrow(/unique join code/);
    expect(gen.calls()).toBe(CODE_ATTEMPTS);
  });

  it('join codes: look-ups from many addresses stop at the global limit until the window ends', async () => {
    const lookUp = (i: number) => t.app.inject({ method: 'POST', url: '/api/join', payload: { code: 'AAAAAAAA', displayName: 'Gita' }, remoteAddress: `10.40.0.${i}` });
    const preview = (i: number) => t.app.inject({ method: 'GET', url: '/api/join/AAAAAAAA', remoteAddress: `10.41.0.${i}` });
    const statuses: number[] = [];
    for (let i = 1; i <= 3; i++) statuses.push((await lookUp(i)).statusCode);
    for (let i = 1; i <= 2; i++) statuses.push((await preview(i)).statusCode);
    expect(statuses).toEqual([404, 404, 404, 404, 404]); // five addresses, one look-up each: within the limit of 5
    const refused = await lookUp(50); // a sixth address, never seen before
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await preview(50)).statusCode).toBe(429);
    t.clock.advance(61_000);
    expect((await lookUp(51)).statusCode).toBe(404);
  });
});
