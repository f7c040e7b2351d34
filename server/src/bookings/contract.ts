// Bookable office hours: the HTTP contract (requests and responses). Imported by the client
// as `@lectern/server/contract/bookings`; imports zod and the shared pieces of http/contract.
import { z } from 'zod';
import { Email, Name, TimeZone } from '../http/contract.js';

export const BOOKING_STATUSES = ['pending_payment', 'confirmed', 'cancelled', 'completed', 'no_show'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
export const PAYMENT_KINDS = ['payment', 'refund'] as const;

/** 'HH:MM' on a 5-minute step; '24:00' ends a window at midnight. */
export const WallTime = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5][05]|24:00)$/, "must be 'HH:MM' (24-hour) on a 5-minute step");
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');
const Minutes = (min: number, max: number) =>
  z
    .number()
    .int()
    .min(min)
    .max(max)
    .refine((n) => n % 5 === 0, 'must be a multiple of 5 minutes');
const Price = z.number().int().min(0).max(100_000_000);
export const Handle = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/, 'must be 3-40 letters, digits or dashes');
const Instant = z.iso.datetime({ offset: true });
const toMin = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

const WindowFields = {
  start: WallTime,
  end: WallTime,
  slotMinutes: Minutes(5, 480),
  bufferMinutes: Minutes(0, 240).default(0),
  priceCents: Price.default(0),
  currency: Currency.default('EUR'),
};
const windowFits = (w: { start: string; end: string; slotMinutes: number }) => toMin(w.start) + w.slotMinutes <= toMin(w.end);
const WINDOW_MESSAGE = 'end must be at least one slot after start';

export const RuleInput = z
  .object({ dayOfWeek: z.number().int().min(0).max(6), ...WindowFields, active: z.boolean().default(true) })
  .refine(windowFits, WINDOW_MESSAGE);
export const OverrideInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('off'), date: z.iso.date() }),
  z.object({ kind: z.literal('extra'), date: z.iso.date(), ...WindowFields }).refine(windowFits, WINDOW_MESSAGE),
]);

export const AvailabilityBody = z.object({
  timezone: TimeZone,
  handle: Handle,
  rules: z.array(RuleInput).max(100),
  overrides: z.array(OverrideInput).max(400).default([]),
  minNoticeMinutes: z.number().int().min(0).max(525_600).default(720),
  horizonDays: z.number().int().min(1).max(730).default(60),
  dailyCap: z.number().int().min(1).max(100).nullable().default(null),
});
export type AvailabilityInput = z.input<typeof AvailabilityBody>;

const Rule = z.object({
  dayOfWeek: z.number(),
  start: z.string(),
  end: z.string(),
  slotMinutes: z.number(),
  bufferMinutes: z.number(),
  priceCents: z.number(),
  currency: z.string(),
  active: z.boolean(),
});
const Override = z.object({
  kind: z.enum(['off', 'extra']),
  date: z.string(),
  start: z.string().optional(),
  end: z.string().optional(),
  slotMinutes: z.number().optional(),
  bufferMinutes: z.number().optional(),
  priceCents: z.number().optional(),
  currency: z.string().optional(),
});
export const Availability = z.object({
  hostId: z.string(),
  timezone: z.string(),
  handle: z.string(),
  rules: z.array(Rule),
  overrides: z.array(Override),
  minNoticeMinutes: z.number(),
  horizonDays: z.number(),
  dailyCap: z.number().nullable(),
});
export type AvailabilityDto = z.infer<typeof Availability>;

export const HandleParams = z.object({ handle: Handle });
export const HostPublic = z.object({
  handle: z.string(),
  name: z.string(),
  timezone: z.string(),
  minNoticeMinutes: z.number(),
  horizonDays: z.number(),
});
export type HostPublicDto = z.infer<typeof HostPublic>;

export const SlotsQuery = z.object({ from: Instant, to: Instant });
export const Slot = z.object({ start: z.string(), end: z.string(), priceCents: z.number(), currency: z.string() });
export type SlotDto = z.infer<typeof Slot>;
export const SlotList = z.array(Slot);

export const BookingBody = z.object({
  handle: Handle,
  start: Instant,
  name: Name.optional(),
  email: Email.optional(),
  notes: z.string().max(2000).default(''),
  /** The visitor's zone: times in their emails are shown in it. */
  timezone: TimeZone.optional(),
});
export type BookingInput = z.input<typeof BookingBody>;

/** What every answer about a booking starts with. */
const BookingFields = {
  id: z.string(),
  status: z.enum(BOOKING_STATUSES),
  start: z.string(),
  end: z.string(),
  sessionId: z.string(),
  priceCents: z.number(),
  currency: z.string(),
};

export const BookingCreated = z.object({
  ...BookingFields,
  /** Guests only (not signed in): the private link to cancel or reschedule, shown once. */
  manageUrl: z.string().optional(),
  /** The room's join link, valid until the meeting ends. */
  joinUrl: z.string().optional(),
});
export type BookingCreatedDto = z.infer<typeof BookingCreated>;

export const Booking = z.object({
  ...BookingFields,
  hostId: z.string(),
  hostName: z.string(),
  hostHandle: z.string().nullable(),
  guestId: z.string().nullable(),
  guestName: z.string(),
  guestEmail: z.string(),
  notes: z.string(),
  /** Payments minus refunds recorded so far, in the booking's currency. */
  paidCents: z.number(),
  cancelledBy: z.enum(['host', 'guest']).nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  createdAt: z.string(),
});
export type BookingDto = z.infer<typeof Booking>;
export const BookingList = z.array(Booking);

export const BookingListQuery = z.object({
  role: z.enum(['host', 'guest']).default('host'),
  status: z.enum(BOOKING_STATUSES).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export const CancelBody = z.object({ reason: z.string().trim().max(500).default('') });
export const RescheduleBody = z.object({ start: Instant });
export const MarkBody = z.object({ status: z.enum(['completed', 'no_show']) });
export const TokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });

export const PaymentBody = z.object({
  kind: z.enum(PAYMENT_KINDS).default('payment'),
  method: z.string().trim().min(1).max(60),
  reference: z.string().trim().max(200).default(''),
  amountCents: z.number().int().min(1).max(100_000_000),
  currency: Currency,
});
export const Payment = z.object({
  id: z.string(),
  bookingId: z.string(),
  kind: z.enum(PAYMENT_KINDS),
  method: z.string(),
  reference: z.string(),
  amountCents: z.number(),
  currency: z.string(),
  recordedAt: z.string(),
});
export type PaymentDto = z.infer<typeof Payment>;
export const PaymentList = z.array(Payment);

export const RevenueQuery = z.object({ from: Instant.optional(), to: Instant.optional() });
/** Recorded payments minus refunds per calendar month (UTC) and currency. */
export const RevenueRow = z.object({ month: z.string(), currency: z.string(), amountCents: z.number() });
export type RevenueRowDto = z.infer<typeof RevenueRow>;
export const RevenueList = z.array(RevenueRow);
/** Admin: the same per host. */
export const HostRevenueRow = RevenueRow.extend({ hostId: z.string(), hostName: z.string() });
export type HostRevenueRowDto = z.infer<typeof HostRevenueRow>;
export const HostRevenueList = z.array(HostRevenueRow);

export const Stats = z.object({
  totalSessions: z.number(),
  liveNow: z.number(),
  participants: z.number(),
  meetings: z.number(),
  revenue: z.array(z.object({ currency: z.string(), amountCents: z.number() })),
});
export type StatsDto = z.infer<typeof Stats>;
