// Join latency: from `POST /api/join` to the first remote video frame decoded in a
// Chromium page. A host page publishes its fake camera; then, N times, a fresh guest page
// opens /j/CODE, enters a name, presses Join, and we time from the moment the browser
// sends POST /api/join until the guest's page has decoded a frame of the host's video.
// Usage: npx tsx --conditions=lectern-source scripts/bench/join-latency.ts [joins=12]
import { launchBrowser, newPage, remoteStats, startServer } from '../e2e/support.js';

// Injected as a string: tsx would otherwise add helpers the page does not have.
const PROBE = `(() => {
  const w = window;
  w.__joinSentAt = 0;
  w.__firstVideoAt = 0;
  const realFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (w.__joinSentAt === 0 && new URL(url, location.href).pathname === '/api/join') w.__joinSentAt = performance.now();
    return realFetch(input, init);
  };
  const tick = async () => {
    if (w.__joinSentAt > 0 && w.__lectern) {
      const s = await w.__lectern.stats();
      if (s.consumers.some((c) => c.kind === 'video' && c.framesDecoded > 0)) {
        w.__firstVideoAt = performance.now();
        return;
      }
    }
    setTimeout(tick, 10);
  };
  tick();
})()`;

const joins = Math.max(10, Number(process.argv[2] ?? 12));

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function main(): Promise<void> {
  const server = await startServer({ LECTERN_RTC_PORT_BASE: '24300', LECTERN_LOG_LEVEL: 'error' });
  const browser = await launchBrowser();
  try {
    const teacher = await server.user('teacher', 'Bench Host');
    const s = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Bench', scheduledAt: new Date().toISOString(), durationMinutes: 60, timezone: 'UTC', guestAccess: 'open' }, teacher.token);
    await server.api('POST', `/api/sessions/${s.body.id}/start`, undefined, teacher.token);
    const code = (await server.api<{ code: string }>('POST', `/api/sessions/${s.body.id}/codes`, undefined, teacher.token)).body.code;

    const host = await newPage(browser);
    await host.page.goto(`${server.url}/login`);
    await host.page.getByLabel('Email').fill(teacher.email);
    await host.page.getByLabel('Password').fill(teacher.password);
    await host.page.getByRole('button', { name: 'Sign in' }).click();
    await host.page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await host.page.goto(`${server.url}/room/${s.body.id}`);
    await host.page.waitForFunction(() => (window as { __lectern?: { peerId: string | null } }).__lectern?.peerId);

    const samples: number[] = [];
    for (let i = 0; i < joins; i++) {
      const g = await newPage(browser);
      await g.page.goto(`${server.url}/j/${code}`);
      await g.page.getByLabel('Your name').fill(`Guest ${i + 1}`);
      // Both instants are taken in the page, on its own clock: when fetch() is called for
      // POST /api/join, and when the first remote video frame is decoded (polled every 10 ms).
      await g.page.evaluate(PROBE);
      await g.page.getByRole('button', { name: 'Join', exact: true }).click();
      await g.page.waitForFunction(() => (window as unknown as { __firstVideoAt: number }).__firstVideoAt > 0, undefined, { timeout: 30_000 });
      const ms = await g.page.evaluate(() => {
        const w = window as unknown as { __joinSentAt: number; __firstVideoAt: number };
        return w.__firstVideoAt - w.__joinSentAt;
      });
      samples.push(ms);
      console.log(`join ${String(i + 1).padStart(2)}: ${ms.toFixed(0)} ms (remote consumers: ${(await remoteStats(g.page)).length})`);
      await g.context.close();
    }
    const sorted = [...samples].sort((a, b) => a - b);
    console.log(`\njoin-latency over ${samples.length} joins (POST /api/join -> first remote video frame decoded):`);
    console.log(`  p50 ${percentile(sorted, 50).toFixed(0)} ms   p95 ${percentile(sorted, 95).toFixed(0)} ms   min ${sorted[0]!.toFixed(0)} ms   max ${sorted.at(-1)!.toFixed(0)} ms`);
    await host.context.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
