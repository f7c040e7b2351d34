// Web Push subscriptions of a user's devices: one row per endpoint.
import { and, eq } from 'drizzle-orm';
import { pushSubscriptions, type Database } from '@lectern/db';
import { ValidationError } from '../errors.js';
import type { SubscribeBody } from './contract.js';
import { assertPublicEndpoint, EndpointRefused, type Resolve } from './endpointGuard.js';

/** 400 unless the endpoint is https on a public host (or the config allows private endpoints). */
export async function checkPushEndpoint(endpoint: string, opts: { allowPrivate: boolean; resolve?: Resolve }): Promise<void> {
  try {
    await assertPublicEndpoint(endpoint, opts);
  } catch (err) {
    if (err instanceof EndpointRefused) throw new ValidationError(err.message);
    throw err;
  }
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
