// Bookings: how long free-slot computation and a booking take.
// 1. freeSlots() for 62 days of dense weekly rules (15-minute slots, 8 h a day, every day)
//    with 300 busy ranges, in Europe/Berlin: p50/p95 per call.
// 2. POST /api/bookings against an in-process Lectern on PGlite: p50/p95 of N sequential
//    guest bookings, then 20 concurrent bookings of one slot (one 201, nineteen 409).
// Usage: npx tsx --conditions=lectern-source scripts/bench/bookings.ts [bookings=60]
import { freeSlots, type WeeklyRule } from '../../server/src/bookings/slots.js';
import { ManualClock } from '../../server/src/clock.js';
import { startServer } from '../e2e/support.js';

const n = Number(process.argv[2] ?? 60);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

// 1. Slot computation.
const rules: WeeklyRule[] = [0, 1, 2, 3, 4, 5, 6].map((d) => ({ dayOfWeek: d, start: '09:00', end: '17:00', slotMinutes: 15, bufferMinutes: 5, priceCents: 0, currency: 'EUR', active: true }));
const now = new Date('2026-03-01T00:00:00Z');
const busy = Array.from({ length: 300 }, (_, i) => {
  const start = new Date(now.getTime() + i * 4.8 * 3600_000);
  return { start, end: new Date(start.getTime() + 30 * 60_000) };
});
const times: number[] = [];
let count = 0;
for (let i = 0; i < 200; i++) {
  const t0 = performance.now();
  count = freeSlots({ zone: 'Europe/Berlin', rules, overrides: [], from: now, to: new Date(now.getTime() + 62 * 86_400_000), now, minNoticeMinutes: 720, horizonDays: 90, busy }).length;
  times.push(performance.now() - t0);
}
console.log(`freeSlots, 62 days x 32 slots/day, 300 busy ranges (${count} free): p50 ${fmt(pct(times, 50))}, p95 ${fmt(pct(times, 95))}`);

// 2. Bookings over HTTP on PGlite.
const clock = new ManualClock(now);
const server = await startServer({ LECTERN_BOOKING_RATE_PER_IP: '100000', LECTERN_LOG_LEVEL: 'error' }, { clock });
try {
  const host = await server.user('teacher', 'Bench Host');
  await server.api('PUT', '/api/me/availability', { timezone: 'Europe/Berlin', handle: 'bench', rules: rules.map(({ active: _a, ...r }) => r), horizonDays: 90 }, host.token);
  const slots = (await server.api<{ start: string }[]>('GET', `/api/hosts/bench/slots?from=${now.toISOString()}&to=${new Date(now.getTime() + 62 * 86_400_000).toISOString()}`)).body;
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await server.api('POST', '/api/bookings', { handle: 'bench', start: slots[i * 2]!.start, name: `G${i}`, email: `g${i}@example.test` });
    lat.push(performance.now() - t0);
    if (res.status !== 201) throw new Error(`booking ${i}: ${res.status}`);
  }
  console.log(`POST /api/bookings (PGlite, sequential, ${n}): p50 ${fmt(pct(lat, 50))}, p95 ${fmt(pct(lat, 95))}`);
  const target = slots[n * 2 + 10]!.start;
  const t0 = performance.now();
  const race = await Promise.all(Array.from({ length: 20 }, (_, i) => server.api('POST', '/api/bookings', { handle: 'bench', start: target, name: `R${i}`, email: `r${i}@example.test` })));
  const wall = performance.now() - t0;
  const won = race.filter((r) => r.status === 201).length;
  const lost = race.filter((r) => r.status === 409).length;
  console.log(`20 concurrent bookings of one slot (PGlite): ${won} x 201, ${lost} x 409, all answered in ${fmt(wall)}`);
} finally {
  await server.close();
}
