// Bookable office hours in a real browser: a host sets weekly hours in the availability
// editor; a visitor in another time zone books a slot on the public page; the host sees the
// meeting on the dashboard; the confirmation with its .ics reaches a local SMTP server; and
// once the meeting time passes with nobody joining (injected clock) it becomes a no-show.
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/clock.js';
import { leaves } from '../../server/src/notifications/test/mime.js';
import { SmtpSink } from '../../server/src/notifications/test/smtpSink.js';
import { launchBrowser, newPage, signIn, startServer, type TestServer } from './support.js';

const SHOTS = new URL('../../artifacts/screenshots/', import.meta.url).pathname;
const HOST_ZONE = 'Europe/Berlin';
const VISITOR_ZONE = 'America/New_York';

const hhmm = (iso: string, zone: string) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

describe('bookings in the browser', () => {
  let server: TestServer;
  let sink: SmtpSink;
  let browser: Browser;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sink = await SmtpSink.start();
    server = await startServer({ LECTERN_SMTP_URL: sink.url, LECTERN_OUTBOX_POLL_MS: '200', LECTERN_RTC_PORT_BASE: '25140' }, { clock });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await sink?.close();
  });

  it('bookings: host sets hours, a visitor in New York books, email with .ics, dashboard, then no-show', async () => {
    const host = await server.user('teacher', 'Tess Teacher');

    // 1. The host opens the availability editor and offers mornings every day.
    const { page: hostPage } = await newPage(browser);
    await signIn(hostPage, server.url, host.email, host.password);
    await hostPage.goto(`${server.url}/availability`);
    await hostPage.getByLabel('Booking page address').fill('tess');
    await hostPage.getByLabel('Time zone').selectOption(HOST_ZONE);
    await hostPage.getByLabel('Minimum notice (hours)').fill('1');
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
      await hostPage.getByRole('button', { name: `Add hours on ${day}` }).click();
    }
    await hostPage.getByLabel('Monday slot length').selectOption('45');
    await hostPage.getByRole('button', { name: 'Save availability' }).click();
    await hostPage.getByText('Availability saved.').waitFor();
    await hostPage.screenshot({ path: `${SHOTS}bookings-availability.png`, fullPage: true });
    const saved = await server.api<{ rules: { dayOfWeek: number; start: string; slotMinutes: number }[]; timezone: string }>('GET', '/api/me/availability', undefined, host.token);
    expect(saved.body.timezone).toBe(HOST_ZONE);
    expect(saved.body.rules).toHaveLength(7);
    expect(saved.body.rules.find((r) => r.dayOfWeek === 1)?.slotMinutes).toBe(45);

    // 2. A visitor in New York opens the public page: times are shown in their zone.
    const visitor = await browser.newContext({ viewport: { width: 1100, height: 900 }, timezoneId: VISITOR_ZONE });
    const page = await visitor.newPage();
    page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
    await page.goto(`${server.url}/book/tess`);
    await page.getByRole('heading', { name: 'Book a meeting with Tess Teacher' }).waitFor();
    expect(await page.getByLabel('Your time zone').inputValue()).toBe(VISITOR_ZONE);
    const times = page.getByRole('group', { name: /^Free times on/ }).getByRole('button');
    await times.first().waitFor();
    const first = (await times.first().innerText()).split('\n')[0]!.trim();
    const now = clock.now();
    const slots = await server.api<{ start: string; end: string }[]>('GET', `/api/hosts/tess/slots?from=${now.toISOString()}&to=${new Date(now.getTime() + 14 * 86_400_000).toISOString()}`);
    const firstSlot = slots.body[0]!;
    // 09:00 in Berlin is 03:00 (or 04:00 around the DST changes) in New York.
    expect(first).toBe(hhmm(firstSlot.start, VISITOR_ZONE));
    expect(hhmm(firstSlot.start, HOST_ZONE)).toMatch(/^(09|1[01]):(00|15|30|45)$/);
    await times.first().click();
    await page.getByLabel('Your name').fill('Vic Visitor');
    await page.getByLabel('Email').fill('vic@example.test');
    await page.getByLabel('Anything to prepare? (optional)').fill('Questions about chapter 3');
    await page.screenshot({ path: `${SHOTS}bookings-public-page.png`, fullPage: true });
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    await page.getByRole('heading', { name: 'You are booked' }).waitFor();
    await expect.poll(() => page.getByText(/\/bookings\/manage\//).count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}bookings-confirmation.png`, fullPage: true });

    const list = await server.api<{ id: string; status: string; start: string; end: string; guestName: string; sessionId: string }[]>('GET', '/api/bookings?role=host', undefined, host.token);
    expect(list.body).toHaveLength(1);
    const booking = list.body[0]!;
    expect(booking).toMatchObject({ status: 'confirmed', start: firstSlot.start, guestName: 'Vic Visitor' });

    // 3. The confirmation email with its calendar file reaches the SMTP server (guest and host).
    await expect.poll(() => sink.messages.filter((m) => m.to.includes('vic@example.test')).length, { timeout: 20_000 }).toBe(1);
    const mail = sink.messages.find((m) => m.to.includes('vic@example.test'))!;
    expect(mail.mime.headers.get('subject')).toContain('Booked: Office hours');
    const ics = leaves(mail.mime).find((p) => p.contentType === 'text/calendar');
    expect(ics?.body).toContain('BEGIN:VEVENT');
    expect(ics?.body).toContain(`UID:${booking.sessionId}@lectern`);
    const text = leaves(mail.mime).find((p) => p.contentType === 'text/plain')?.body ?? '';
    expect(text).toContain(`${hhmm(booking.start, VISITOR_ZONE)} (${VISITOR_ZONE})`);
    expect(text).toMatch(/\/j\/[0-9A-Z]{8}/);
    await expect.poll(() => sink.messages.filter((m) => m.to.includes(host.email)).length, { timeout: 20_000 }).toBe(1);

    // 4. The host sees the meeting on the dashboard, and its session among the upcoming ones.
    await hostPage.goto(`${server.url}/live-sessions`);
    const recent = hostPage.getByRole('region', { name: 'Recent meetings' });
    await recent.getByText('Vic Visitor').waitFor();
    await recent.getByText('Confirmed').waitFor();
    await hostPage.getByRole('region', { name: 'Upcoming sessions' }).getByText('Office hours: Tess Teacher and Vic Visitor').waitFor();
    for (const card of ['Sessions', 'New session', 'Availability', 'Meetings']) await hostPage.getByRole('navigation', { name: 'Quick navigation' }).getByRole('link', { name: new RegExp(`^${card}`) }).waitFor();
    await hostPage.screenshot({ path: `${SHOTS}bookings-dashboard.png`, fullPage: true });

    // 5. Nobody joins. The injected clock passes the end plus the grace: the meeting is a no-show.
    clock.set(new Date(Date.parse(booking.end) + 16 * 60_000));
    await hostPage.goto(`${server.url}/meetings`);
    await hostPage.getByRole('listitem').filter({ hasText: 'Vic Visitor' }).getByText('No-show').waitFor();
    await hostPage.getByLabel('Status').selectOption('no_show');
    await hostPage.getByText('Vic Visitor').waitFor();
    await hostPage.screenshot({ path: `${SHOTS}bookings-meetings.png`, fullPage: true });
    const after = await server.api<{ status: string }>('GET', `/api/bookings/${booking.id}`, undefined, (await server.api<{ accessToken: string }>('POST', '/api/auth/login', { email: host.email, password: host.password })).body.accessToken);
    expect(after.body.status).toBe('no_show');

    // 6. Another visitor books, then uses the private link from the page to move and cancel it.
    await page.goto(`${server.url}/book/tess`);
    await times.first().click(); // the injected clock is past the first meeting: later slots only
    await page.getByLabel('Your name').fill('Mo Mover');
    await page.getByLabel('Email').fill('mo@example.test');
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    await page.getByRole('heading', { name: 'You are booked' }).waitFor();
    await page.getByRole('link', { name: /\/bookings\/manage\// }).click();
    await page.getByRole('heading', { name: 'Your meeting with Tess Teacher' }).waitFor();
    await page.getByRole('button', { name: 'Reschedule' }).click();
    const choices = page.getByRole('group', { name: /^Free times on/ }).getByRole('button');
    await choices.first().click(); // its own slot is not offered: this is another time
    await page.getByRole('button', { name: /^Move to / }).click();
    await page.getByRole('heading', { name: 'Your meeting with Tess Teacher' }).waitFor();
    await page.getByLabel('Reason (optional)').fill('Something came up');
    await page.getByRole('button', { name: 'Cancel meeting' }).click();
    await page.getByText('Cancelled', { exact: true }).waitFor();
    await page.screenshot({ path: `${SHOTS}bookings-manage.png`, fullPage: true });
    const token = await server.api<{ accessToken: string }>('POST', '/api/auth/login', { email: host.email, password: host.password });
    const mo = (await server.api<{ guestName: string; status: string; start: string; cancelledBy: string; cancelReason: string }[]>('GET', '/api/bookings?role=host', undefined, token.body.accessToken)).body.find((b) => b.guestName === 'Mo Mover')!;
    expect(mo).toMatchObject({ status: 'cancelled', cancelledBy: 'guest', cancelReason: 'Something came up' });
    // Confirmation, the moved confirmation, and the cancellation (with a CANCEL calendar) reach Mo.
    await expect.poll(() => sink.messages.filter((m) => m.to.includes('mo@example.test')).length, { timeout: 20_000 }).toBe(3);
    const cancelMail = sink.messages.find((m) => m.to.includes('mo@example.test') && (m.mime.headers.get('subject') ?? '').startsWith('Cancelled'))!;
    expect(leaves(cancelMail.mime).find((p) => p.contentType === 'text/calendar')?.body).toContain('STATUS:CANCELLED');
    await visitor.close();
  });
});
