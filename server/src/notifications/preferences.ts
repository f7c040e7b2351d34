// Per-user choices: which event types reach which channels. No row means "on".
import { and, eq, inArray, sql } from 'drizzle-orm';
import { NOTIFICATION_CHANNELS, notificationPreferences, type Executor, type NotificationChannel } from '@lectern/db';
import type { PreferenceMatrix, PreferencePatch } from './contract.js';
import { EVENT_TYPES, type EventType } from './types.js';


function allOn(): PreferenceMatrix {
  const m = {} as PreferenceMatrix;
  // Chat mail is an opt-in digest (server/src/chat/digest.ts): off until switched on.
  for (const t of EVENT_TYPES) m[t] = { in_app: true, email: !t.startsWith('chat.'), push: true };
  return m;
}

const isEventType = (s: string): s is EventType => (EVENT_TYPES as readonly string[]).includes(s);
const isChannel = (s: string): s is NotificationChannel => (NOTIFICATION_CHANNELS as readonly string[]).includes(s);

export async function getPreferences(db: Executor, userId: string): Promise<PreferenceMatrix> {
  const m = allOn();
  const rows = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  for (const r of rows) if (isEventType(r.eventType) && isChannel(r.channel)) m[r.eventType][r.channel] = r.enabled;
  return m;
}

export async function updatePreferences(db: Executor, userId: string, patch: PreferencePatch, now: Date): Promise<PreferenceMatrix> {
  const values: (typeof notificationPreferences.$inferInsert)[] = [];
  for (const [eventType, channels] of Object.entries(patch)) {
    for (const [channel, enabled] of Object.entries(channels ?? {})) {
      if (typeof enabled === 'boolean') values.push({ userId, eventType, channel, enabled, updatedAt: now });
    }
  }
  if (values.length > 0) {
    await db
      .insert(notificationPreferences)
      .values(values)
      .onConflictDoUpdate({
        target: [notificationPreferences.userId, notificationPreferences.eventType, notificationPreferences.channel],
        set: { enabled: sql`excluded.enabled`, updatedAt: now },
      });
  }
  return getPreferences(db, userId);
}

/** (userId) -> channels switched off for this event type. */
export async function disabledChannels(db: Executor, userIds: string[], eventType: EventType): Promise<Map<string, Set<string>>> {
  const off = new Map<string, Set<string>>();
  if (userIds.length === 0) return off;
  const rows = await db
    .select({ userId: notificationPreferences.userId, channel: notificationPreferences.channel })
    .from(notificationPreferences)
    .where(
      and(
        inArray(notificationPreferences.userId, userIds),
        eq(notificationPreferences.eventType, eventType),
        eq(notificationPreferences.enabled, false),
      ),
    );
  for (const r of rows) {
    const set = off.get(r.userId) ?? new Set<string>();
    set.add(r.channel);
    off.set(r.userId, set);
  }
  return off;
}
