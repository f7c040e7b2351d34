// Walks the main journeys in Debian's Chromium and saves screenshots.
// Usage: node client/scripts/screenshots.mjs [baseUrl] [outDir]
// Needs a running server (with client/dist built) and an admin account.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const BASE = process.argv[2] ?? 'http://127.0.0.1:3100';
const OUT = process.argv[3] ?? '/tmp/lectern-shots';
const ADMIN = { email: process.env.ADMIN_EMAIL ?? 'admin@example.test', password: process.env.ADMIN_PASSWORD ?? 'admin-password-1' };
mkdirSync(OUT, { recursive: true });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  ],
});
const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);
const shot = async (page, name) => {
  await page.screenshot({ path: `${OUT}/${name}.png` });
  log('screenshot', name);
};

async function api(path, { method = 'GET', body, token } = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : null };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stats = (page) => page.evaluate(() => window.__lectern?.stats());

/** Waits until the page receives video frames and audio bytes from someone, and they keep rising. */
async function flowing(page, who, ms = 20000, notIn = new Set()) {
  const end = Date.now() + ms;
  let first = null;
  let last = null;
  while (Date.now() < end) {
    last = await stats(page);
    const v = last?.consumers.find((c) => !notIn.has(c.consumerId) && c.kind === 'video' && c.source === 'webcam' && c.framesDecoded > 5);
    const a = last?.consumers.find((c) => !notIn.has(c.consumerId) && c.kind === 'audio' && c.bytesReceived > 500);
    if (v && a) {
      if (!first) first = { v, a };
      else {
        const v2 = last.consumers.find((c) => c.consumerId === first.v.consumerId);
        const a2 = last.consumers.find((c) => c.consumerId === first.a.consumerId);
        if (v2 && a2 && v2.framesDecoded > first.v.framesDecoded && a2.bytesReceived > first.a.bytesReceived) {
          log(`${who}: media flowing (video frames ${v2.framesDecoded}, audio bytes ${a2.bytesReceived}); producers ${last.producers.map((p) => p.source + (p.paused ? '(paused)' : '')).join(',')}`);
          return last;
        }
      }
    }
    await sleep(700);
  }
  throw new Error(`${who}: media not flowing: ${JSON.stringify(last)}`);
}

async function signIn(page, email, password) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${BASE}/`);
}

try {
  const admin = (await api('/api/auth/login', { method: 'POST', body: ADMIN })).data;
  const teacherEmail = `teacher-${Date.now()}@example.test`;
  await api('/api/users', { method: 'POST', token: admin.accessToken, body: { email: teacherEmail, name: 'Tess Teacher', password: 'teacher-password-1', role: 'teacher' } });

  // 1. Sign-in page, with a wrong password first.
  const ctxT = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['camera', 'microphone', 'clipboard-read', 'clipboard-write'] });
  const t = await ctxT.newPage();
  t.on('console', (m) => m.type() === 'error' && log('[teacher console]', m.text()));
  await t.goto(`${BASE}/login`);
  await shot(t, '01-sign-in');
  await t.getByLabel('Email').fill(teacherEmail);
  await t.getByLabel('Password').fill('wrong-password');
  await t.getByRole('button', { name: 'Sign in' }).click();
  await t.getByRole('alert').waitFor();
  await shot(t, '02-sign-in-error');

  // 2. Teacher hub: schedule one session, create a code.
  await signIn(t, teacherEmail, 'teacher-password-1');
  await t.getByRole('heading', { name: 'Teacher hub' }).waitFor();
  await t.getByLabel('Title').fill('Algebra II — quadratic equations');
  await t.getByRole('button', { name: 'Schedule session' }).click();
  await t.getByText(/Scheduled “Algebra II/).waitFor();
  await t.getByRole('listitem', { name: /Algebra II/ }).getByRole('button', { name: 'Create join code' }).click();
  await t.getByRole('group', { name: 'Join code' }).waitFor();
  await shot(t, '03-teacher-hub');

  // 3. Instant session -> room as host.
  await t.getByRole('button', { name: 'Start instant session' }).click();
  await t.waitForURL(/\/room\//);
  await t.getByRole('button', { name: 'End session' }).waitFor();
  const sessionId = t.url().split('/room/')[1];
  await t.waitForFunction(() => window.__lectern?.phase === 'joined', null, { timeout: 15000 });
  await shot(t, '04-room-host-alone');

  // Code for the instant session.
  const teacherToken = (await api('/api/auth/login', { method: 'POST', body: { email: teacherEmail, password: 'teacher-password-1' } })).data.accessToken;
  const code = (await api(`/api/sessions/${sessionId}/codes`, { method: 'POST', token: teacherToken })).data;
  log('code', code.code, code.url);

  // 4. Guest: join page with preview.
  const ctxG = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['camera', 'microphone'] });
  const g = await ctxG.newPage();
  g.on('console', (m) => m.type() === 'error' && log('[guest console]', m.text()));
  await g.goto(`${BASE}/j/${code.code}`);
  await g.getByLabel('Your name').fill('Gus Guest');
  await g.waitForFunction(() => {
    const v = document.querySelector('video');
    return v && v.videoWidth > 0;
  });
  await shot(g, '05-join-page');

  // Bad code message.
  const g2 = await ctxG.newPage();
  await g2.goto(`${BASE}/j/ZZZZZZZZ`);
  await g2.getByLabel('Your name').fill('Someone');
  await g2.getByRole('button', { name: 'Join' }).click();
  await g2.getByText('This code is not valid or has expired.').waitFor();
  await shot(g2, '06-join-bad-code');
  await g2.close();

  await g.getByRole('button', { name: 'Join', exact: true }).click();
  await g.waitForURL(/\/room\//);
  await g.getByText('Waiting for the host to let you in…').waitFor();
  await shot(g, '07-guest-lobby');

  // Host admits.
  await t.getByRole('button', { name: 'Admit' }).waitFor();
  await shot(t, '08-host-lobby-panel');
  await t.getByRole('button', { name: 'Admit' }).click();
  await g.waitForFunction(() => window.__lectern?.phase === 'joined', null, { timeout: 15000 });

  await Promise.all([flowing(t, 'host'), flowing(g, 'guest')]);
  log('guest stats', JSON.stringify(await g.evaluate(() => window.__lectern.stats())));
  const audioPaused = await g.evaluate(() => [...document.querySelectorAll('audio.remote-audio')].map((a) => a.paused));
  log('guest remote audio paused?', audioPaused);
  await t.waitForTimeout(1500);
  await shot(t, '09-room-host-two');
  await shot(g, '10-room-guest-two');

  // Guest mutes mic; host mutes guest; guest shares screen.
  await g.getByRole('button', { name: 'Microphone' }).click();
  await t.waitForTimeout(800);
  await shot(t, '11-host-sees-guest-muted');
  await g.getByRole('button', { name: 'Microphone' }).click();
  await t.waitForTimeout(800);
  await t.getByRole('listitem', { name: 'Gus Guest' }).getByRole('button', { name: 'Mute', exact: true }).click();
  await g.getByText('The host muted your microphone.').waitFor();
  log('guest mic pressed after host mute:', await g.getByRole('button', { name: 'Microphone' }).getAttribute('aria-pressed'));
  await shot(g, '12-guest-muted-by-host');
  await g.getByRole('button', { name: 'Microphone' }).click();
  await g.waitForFunction(() => document.querySelector('.ctl-av')?.getAttribute('aria-pressed') === 'true');
  await t.getByRole('listitem', { name: 'Gus Guest' }).getByText('Mic on').waitFor();
  log('guest unmuted again after host mute');

  // Screen share from the guest: the host sees it on the stage.
  await g.getByRole('button', { name: 'Share screen' }).click();
  try {
    await t.locator('.stage video').first().waitFor({ timeout: 8000 });
    await t.waitForTimeout(1500);
    await shot(t, '12b-host-sees-screen');
    log('screen share seen by host');
    await g.getByRole('button', { name: 'Share screen' }).click();
    await t.locator('.stage').waitFor({ state: 'detached', timeout: 5000 });
  } catch (err) {
    log('screen share not testable here:', String(err).split('\n')[0]);
    await shot(g, '12b-guest-share-failed');
  }

  // Network drop on the guest: banner, then transports rebuilt without a reload.
  const beforeId = (await stats(g)).peerId;
  const oldG = new Set((await stats(g)).consumers.map((c) => c.consumerId));
  await ctxG.setOffline(true);
  await g.getByText('Reconnecting…').waitFor({ timeout: 15000 });
  await shot(g, '12c-guest-reconnecting');
  await ctxG.setOffline(false);
  await g.getByText('Reconnecting…').waitFor({ state: 'detached', timeout: 20000 });
  await flowing(g, 'guest after reconnect (new consumers)', 20000, oldG);
  await flowing(t, 'host after guest reconnect');
  log('guest peerId before/after', beforeId, (await stats(g)).peerId);

  // Media node failure: kill one mediasoup worker of this server -> reconnectRequired -> rebuild.
  if (process.env.KILL_WORKER_PIDS) {
    const oldG2 = new Set((await stats(g)).consumers.map((c) => c.consumerId));
    const oldT2 = new Set((await stats(t)).consumers.map((c) => c.consumerId));
    for (const pid of process.env.KILL_WORKER_PIDS.split(',')) {
      try {
        process.kill(Number(pid), 'SIGKILL');
        log('killed worker', pid);
      } catch {}
    }
    await flowing(g, 'guest after worker death (new consumers)', 30000, oldG2);
    await flowing(t, 'host after worker death (new consumers)', 30000, oldT2);
  }

  // Phone width.
  await g.setViewportSize({ width: 390, height: 844 });
  await g.waitForTimeout(500);
  await shot(g, '13-guest-phone');
  await g.setViewportSize({ width: 1280, height: 800 });

  // Copy link (host): a join link for the session lands on the clipboard.
  await t.getByRole('button', { name: 'Copy link' }).click();
  await t.getByText('Copied').waitFor({ timeout: 5000 });
  log('copied link:', await t.evaluate(() => navigator.clipboard.readText()));

  // Student: invited to a live session, joins from the dashboard.
  const studentEmail = `student-${Date.now()}@example.test`;
  const student = (await api('/api/users', { method: 'POST', token: admin.accessToken, body: { email: studentEmail, name: 'Sam Student', password: 'student-password-1', role: 'student' } })).data;
  const teacherId = (await api('/api/me', { token: teacherToken })).data.id;
  // Teachers may only invite students of their courses; the admin schedules on the teacher's behalf.
  const classSession = (await api('/api/sessions', { method: 'POST', token: admin.accessToken, body: { hostId: teacherId, title: 'Physics lab review', scheduledAt: new Date().toISOString(), durationMinutes: 45, timezone: 'Europe/Berlin', guestAccess: 'lobby', invitees: [student.id] } })).data;
  await api('/api/sessions', { method: 'POST', token: admin.accessToken, body: { hostId: teacherId, title: 'Chemistry: reaction rates', scheduledAt: new Date(Date.now() + 2 * 86400000).toISOString(), durationMinutes: 60, timezone: 'Europe/Berlin', guestAccess: 'lobby', invitees: [student.id] } });
  await api(`/api/sessions/${classSession.id}/start`, { method: 'POST', token: teacherToken });
  const ctxS = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['camera', 'microphone'] });
  const st = await ctxS.newPage();
  await signIn(st, studentEmail, 'student-password-1');
  await st.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await st.getByRole('listitem', { name: 'Physics lab review' }).waitFor();
  await shot(st, '12d-student-dashboard');
  await st.getByRole('listitem', { name: 'Physics lab review' }).getByRole('button', { name: 'Join' }).click();
  await st.waitForURL(/\/room\//);
  await st.waitForFunction(() => window.__lectern?.phase === 'joined', null, { timeout: 15000 });
  log('student joined from the dashboard without a code');
  await ctxS.close();

  // Lock room.
  await t.getByRole('button', { name: 'Lock room' }).click();
  await t.waitForTimeout(500);
  log('lock pressed:', await t.getByRole('button', { name: 'Lock room' }).getAttribute('aria-pressed'));
  await t.getByRole('button', { name: 'Lock room' }).click();

  // End.
  const t0 = Date.now();
  await t.getByRole('button', { name: 'End session' }).click();
  await g.getByText('This session has ended').waitFor({ timeout: 5000 });
  log(`guest saw the end after ${Date.now() - t0} ms`);
  await shot(g, '14-guest-ended');
  await shot(t, '15-host-ended');

  // Student dashboard and admin page.
  const ctxA = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const a = await ctxA.newPage();
  await signIn(a, ADMIN.email, ADMIN.password);
  await a.getByRole('heading', { name: 'Admin' }).waitFor();
  await a.waitForTimeout(500);
  await shot(a, '16-admin');
  await a.setViewportSize({ width: 390, height: 844 });
  await shot(a, '17-admin-phone');
} finally {
  await browser.close();
}
