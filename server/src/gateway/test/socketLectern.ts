// Test-only: a whole Lectern (API, gateway, one SFU worker) on a throwaway database, for
// the socket suites, with a teacher's bearer header.
import { createTestDb, type DbKind, type TestDb } from '@lectern/db/testing';
import { loadConfig } from '../../config.js';
import { startLectern, type Lectern } from '../../lectern.js';
import { cleaningUp, testEnv } from '../../test/harness.js';
import { createUser } from '../../users/userService.js';

/** RTC ports from `rtcPortBase` (+1 on Postgres, so both kinds can run side by side); `env` adds settings; `host` is the teacher's authorization header. */
export async function startSocketLectern(kind: DbKind, rtcPortBase: number, env: Record<string, string> = {}): Promise<{ db: TestDb; lectern: Lectern; host: { authorization: string } }> {
  const db = await createTestDb(kind);
  let lectern: Lectern | undefined;
  try {
    const config = loadConfig(testEnv({ PORT: '0', LECTERN_SFU_WORKERS: '1', LECTERN_RTC_PORT_BASE: String(rtcPortBase + (kind === 'postgres' ? 1 : 0)), ...env }));
    lectern = cleaningUp(await startLectern(config, { db, serveClient: false }));
    const u = await createUser(db.db, { email: 'host@example.test', name: 'Host', password: 'host-password-1', role: 'teacher' }, 14);
    return { db, lectern, host: { authorization: `Bearer ${await lectern.runtime.ctx.tokens.signAccess({ userId: u.id, role: 'teacher' })}` } };
  } catch (err) {
    await lectern?.close();
    await db.destroy();
    throw err;
  }
}
