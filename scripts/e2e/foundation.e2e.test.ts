// Foundation in a real browser: the first admin (from LECTERN_ADMIN_EMAIL/PASSWORD on an
// empty database) signs in, and after a restart on the same database the data is still
// there. The database is the suite's kind (support.ts suiteDbKind): the embedded PGlite
// under the data dir locally, a fresh Postgres database of its own (by DATABASE_URL, as a
// deployment configures it) in CI.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@lectern/db/testing';
import { loadConfig } from '../../server/src/config.js';
import { startLectern, type Lectern } from '../../server/src/lectern.js';
import { announceSuiteDb, launchBrowser, newPage, suiteDbKind } from './support.js';

describe('foundation in chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lectern-foundation-'));
  let browser: Browser;
  let pg: TestDb | undefined;
  const env: Record<string, string> = {
    PORT: '0',
    LECTERN_DATA_DIR: dataDir,
    LECTERN_SFU_WORKERS: '1',
    LECTERN_RTC_PORT_BASE: '24200',
    LECTERN_LOG_LEVEL: 'warn',
    LECTERN_SCRYPT_LOG_N: '14',
    LECTERN_ADMIN_EMAIL: 'admin@example.test',
    LECTERN_ADMIN_PASSWORD: 'correct horse battery',
  };
  beforeAll(async () => {
    const kind = suiteDbKind();
    if (kind === 'postgres') {
      // An empty database: createTestDb migrates it, the admin is the server's to create.
      pg = await createTestDb('postgres');
      env.DATABASE_URL = pg.url!;
      // With a shared database every node must be given the secret (it is not generated).
      env.LECTERN_JWT_SECRET = randomBytes(48).toString('base64url');
      await pg.close();
    }
    announceSuiteDb(kind);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await pg?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function signIn(lectern: Lectern, email: string, password: string) {
    const { context, page } = await newPage(browser);
    await page.goto(`${lectern.url}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    return { context, page };
  }

  it('foundation: the first admin signs in, and data survives a restart', async () => {
    const first = await startLectern(loadConfig(env));
    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    const wrong = await signIn(first, 'admin@example.test', 'not the password');
    await wrong.page.getByText(/wrong email or password/i).waitFor({ timeout: 10_000 });
    await wrong.context.close();

    const { context, page } = await signIn(first, 'admin@example.test', 'correct horse battery');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 10_000 });
    await page.getByText('Administrator').first().waitFor();
    // The admin creates a teacher through the API with the browser's session.
    const login = await fetch(`${first.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.test', password: 'correct horse battery' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const teacherPassword = randomBytes(9).toString('base64url');
    const created = await fetch(`${first.url}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ email: 'tess@example.test', name: 'Tess', password: teacherPassword, role: 'teacher' }),
    });
    expect(created.status).toBe(201);
    await page.screenshot({ path: join(process.cwd(), 'artifacts', 'screenshots', 'admin-signed-in.png') });
    await context.close();
    await first.close();

    // Same data dir, new process state: the admin and the teacher are still there, and the
    // admin was not created twice.
    const second = await startLectern(loadConfig({ ...env, LECTERN_ADMIN_PASSWORD: 'a different password' }));
    const again = await signIn(second, 'tess@example.test', teacherPassword);
    await again.page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 10_000 });
    const adminLogin = await fetch(`${second.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.test', password: 'correct horse battery' }),
    });
    expect(adminLogin.status).toBe(200);
    await again.context.close();
    await second.close();
  });
});
