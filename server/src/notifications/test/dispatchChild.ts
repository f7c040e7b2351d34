// A dispatcher in its own process (for the crash test): delivers the outbox of DATABASE_URL
// to SMTP_URL until killed. Prints "claimed <n>" for every batch it leases.
import { EventBus } from '../../bus/EventBus.js';
import { createDb } from '@lectern/db';
import { MemoryBus } from '../../bus/MemoryBus.js';
import { systemClock } from '../../clock.js';
import { createLogger } from '../../logger.js';
import { createEmailChannel } from '../channels/email.js';
import { createInAppChannel } from '../channels/inApp.js';
import { Dispatcher } from '../Dispatcher.js';
import type { Channel } from '../types.js';

const [databaseUrl, smtpUrl] = process.argv.slice(2);
if (!databaseUrl || !smtpUrl) throw new Error('usage: dispatchChild <DATABASE_URL> <SMTP_URL>');
const handle = await createDb({ databaseUrl, dataDir: '', migrate: false, poolSize: 3 });
const logger = createLogger('silent');
const push: Channel = { name: 'push', enabled: false, send: () => Promise.resolve({ status: 'sent' }), close: () => Promise.resolve() };
const d = await Dispatcher.create({
  db: handle.db,
  clock: systemClock,
  logger,
  channels: {
    in_app: createInAppChannel({ db: handle.db, bus: new EventBus(new MemoryBus()), clock: systemClock }),
    email: createEmailChannel({ db: handle.db, smtpUrl, from: 'child@lectern.test', maxConnections: 1 }),
    push,
  },
  publicUrl: 'http://127.0.0.1',
  batchSize: 100,
  concurrency: 2,
  leaseMs: 30_000,
  maxAttempts: 5,
  backoffMs: 1000,
  id: 'child',
});
for (;;) {
  const rows = await d.claim();
  process.stdout.write(`claimed ${rows.length}\n`);
  if (rows.length === 0) await new Promise((r) => setTimeout(r, 200));
  else await d.deliverAll(rows);
}
