// Column helpers shared by every table: ids, timestamps, prices. Helpers for columns that
// reference a table live next to that table (users.ts, sessions.ts).
import { integer, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const id = () => uuid('id').primaryKey().defaultRandom();

/** A timestamptz column mapped to a JS Date. */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** When the row was written: set by the database on insert. */
export const createdAt = () => tstz('created_at').notNull().defaultNow();

/** When the row last changed: set on insert; an update sets it itself. */
export const updatedAt = () => tstz('updated_at').notNull().defaultNow();

export const timestamps = {
  createdAt: createdAt(),
  updatedAt: updatedAt(),
};

/** A price in minor units and its ISO 4217 currency; the default is free (0 EUR). */
export const price = () => ({
  priceCents: integer('price_cents').notNull().default(0),
  currency: text('currency').notNull().default('EUR'),
});
