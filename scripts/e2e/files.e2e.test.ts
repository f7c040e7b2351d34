// Files through the browser's one HTTP client (client/src/api.ts): a material uploaded and
// downloaded, and the attendance CSV, each answered 401 once (an expired access token)
// so the client refreshes the session and retries, without the user noticing.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserSuite, openBrowserSuite, newPage, signIn, type TestServer, type TestUser } from './support.js';

/** Answers the first request to `pattern` with 401 (as for an expired token); counts refreshes. */
async function expireOnce(page: Page, pattern: RegExp): Promise<{ refused: () => number; refreshes: () => number }> {
  let refused = 0;
  let refreshes = 0;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/auth/refresh')) refreshes++;
  });
  await page.route(pattern, async (route) => {
    if (refused === 0) {
      refused++;
      await route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unauthorized', message: 'Token expired' } }) });
    } else {
      await route.continue();
    }
  });
  return { refused: () => refused, refreshes: () => refreshes };
}

describe('files in chromium', () => {
  let server: TestServer, browser: Browser, teacher: TestUser;
  beforeAll(async () => void ({ server, browser, teacher } = await openBrowserSuite({}, 'Tess Teacher')));
  afterAll(() => closeBrowserSuite(browser, server));

  it('upload, download and the CSV survive an expired access token', async () => {
    const s = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Files', scheduledAt: new Date(Date.now() + 86_400_000).toISOString(), durationMinutes: 30, timezone: 'Europe/Berlin' }, teacher.token);
    expect(s.status).toBe(201);
    const sid = s.body.id;
    const t = await newPage(browser);
    await signIn(t.page, server.url, teacher.email, teacher.password);
    await t.page.goto(`${server.url}/sessions/${sid}`);
    await t.page.getByRole('heading', { name: 'Materials' }).waitFor();

    const up = await expireOnce(t.page, /\/materials\/files$/);
    await t.page.locator('input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Bring a ruler.\n') });
    const item = t.page.getByRole('button', { name: /^notes/ });
    await item.waitFor({ timeout: 10_000 });
    expect(up.refused()).toBe(1);
    expect(up.refreshes()).toBe(1);

    const down = await expireOnce(t.page, /\/materials\/(?!files$)[^/]+$/);
    const [file] = await Promise.all([t.page.waitForEvent('download'), item.click()]);
    expect(readFileSync(await file.path(), 'utf8')).toBe('Bring a ruler.\n');
    expect(file.suggestedFilename()).toMatch(/^notes/);
    expect(down.refused()).toBe(1);

    await t.page.goto(`${server.url}/sessions/${sid}/attendance`);
    const csvRoute = await expireOnce(t.page, /\/attendance\?format=csv$/);
    const [csv] = await Promise.all([t.page.waitForEvent('download'), t.page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    expect(readFileSync(await csv.path(), 'utf8')).toContain(',');
    expect(csvRoute.refused()).toBe(1);
    await t.context.close();
  });
});
