// Web Push channel: VAPID-signed, aes128gcm-encrypted pushes (web-push builds the request;
// we send it with fetch) to every device the user subscribed. 404/410 mean the
// subscription is gone: it is deleted. TTL and Topic are set; urgent events go out with
// Urgency: high.
import { eq } from 'drizzle-orm';
import webpush from 'web-push';
import { pushSubscriptions, type Database } from '@lectern/db';
import type { Logger } from '../../logger.js';
import type { VapidKeys } from '../vapid.js';
import { SendError, type Channel, type OutboxRow, type Rendered, type SendOutcome } from '../types.js';

export interface WebPushChannelOptions {
  db: Database;
  vapid: VapidKeys;
  logger: Logger;
  timeoutMs?: number;
}

/** Endpoints already served for this row (kept across retries so devices get it once). */
const DONE_KEY = 'pushDelivered';

export function createWebPushChannel(opts: WebPushChannelOptions): Channel {
  const timeout = opts.timeoutMs ?? 15_000;
  return {
    name: 'push',
    enabled: true,
    async send(row: OutboxRow, m: Rendered): Promise<SendOutcome> {
      if (!row.recipientId) return { status: 'skipped', reason: 'recipient has no account' };
      const subs = await opts.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, row.recipientId));
      if (subs.length === 0) return { status: 'skipped', reason: 'no push subscriptions' };
      const done = new Set(Array.isArray(row.payload[DONE_KEY]) ? (row.payload[DONE_KEY] as string[]) : []);
      const payload = JSON.stringify({ id: row.id, type: row.eventType, title: m.title, body: m.body, urgent: m.urgent, link: m.link ?? '/', tag: m.push.topic });
      const failures: string[] = [];
      for (const sub of subs) {
        if (done.has(sub.endpoint)) continue;
        const details = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, payload, {
          vapidDetails: opts.vapid,
          TTL: m.push.ttlSeconds,
          topic: m.push.topic,
          urgency: m.urgent ? 'high' : 'normal',
          contentEncoding: 'aes128gcm',
        });
        let status: number;
        try {
          const res = await fetch(details.endpoint, {
            method: 'POST',
            headers: Object.fromEntries(Object.entries(details.headers).map(([k, v]) => [k, String(v)])),
            body: details.body ? new Uint8Array(details.body) : null,
            signal: AbortSignal.timeout(timeout),
            // A push service answers; it does not send us elsewhere (perhaps inside our network).
            redirect: 'manual',
          });
          status = res.status;
          await res.arrayBuffer().catch(() => undefined);
        } catch (err) {
          failures.push(`${new URL(sub.endpoint).host}: ${(err as Error).message}`);
          continue;
        }
        if (status >= 200 && status < 300) {
          done.add(sub.endpoint);
        } else if (status === 404 || status === 410) {
          await opts.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, sub.id));
          opts.logger.info({ userId: row.recipientId, status }, 'push subscription gone: removed');
        } else if (status === 429 || status >= 500) {
          failures.push(`${new URL(sub.endpoint).host}: HTTP ${status}`);
        } else {
          // 3xx (not followed), 400/401/403/413: this request will never be accepted; do not retry it.
          opts.logger.warn({ userId: row.recipientId, status }, 'push service refused the message');
          done.add(sub.endpoint);
        }
      }
      if (failures.length > 0) throw new SendError(`push: ${failures.join('; ')}`, true, { [DONE_KEY]: [...done] });
      return { status: 'sent' };
    },
    close: () => Promise.resolve(),
  };
}
