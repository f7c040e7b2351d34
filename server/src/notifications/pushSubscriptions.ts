// Web Push subscriptions of a user's devices: one row per endpoint.
import { and, eq } from 'drizzle-orm';
import { pushSubscriptions, type Database } from '@lectern/db';
import type { Config } from '../config.js';
import { ValidationError } from '../errors.js';
import type { SubscribeBody } from './contract.js';

/** In production a push endpoint must be a public https URL (no requests into the LAN). */
export function checkEndpoint(config: Config, endpoint: string): void {
  const url = new URL(endpoint);
  if (config.env !== 'production') return;
  const h = url.hostname;
  const local = h === 'localhost' || /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|0\.)/.test(h) || h.startsWith('[');
  if (url.protocol !== 'https:' || local) throw new ValidationError('endpoint must be a public https URL of a push service');
}

/** Saves a device's subscription; returns its id. A device that changes hands follows its newest signed-in user. */
export async function savePushSubscription(db: Database, userId: string, { endpoint, keys }: SubscribeBody, userAgent: string | null, now: Date): Promise<string> {
  const [row] = await db
    .insert(pushSubscriptions)
    .values({ userId, endpoint, p256dh: keys.p256dh, auth: keys.auth, userAgent, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { userId, p256dh: keys.p256dh, auth: keys.auth, userAgent, updatedAt: now } })
    .returning({ id: pushSubscriptions.id });
  return row!.id;
}

export async function deletePushSubscription(db: Database, userId: string, endpoint: string): Promise<void> {
  await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)));
}
