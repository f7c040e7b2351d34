// The bookings REST client, typed by the server's contract.
import type {
  AvailabilityDto,
  AvailabilityInput,
  BookingCreatedDto,
  BookingDto,
  BookingInput,
  BookingStatus,
  HostPublicDto,
  PaymentDto,
  RevenueRowDto,
  SlotDto,
  StatsDto,
} from '@lectern/server/contract/bookings';
import { api, request } from '../api.js';

export type { AvailabilityDto, AvailabilityInput, BookingCreatedDto, BookingDto, BookingStatus, HostPublicDto, PaymentDto, RevenueRowDto, SlotDto, StatsDto };

const qs = (q: Record<string, string | undefined>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const bookingsApi = {
  myAvailability: () => api.get<AvailabilityDto>('/api/me/availability'),
  saveAvailability: (body: AvailabilityInput) => request<AvailabilityDto>('PUT', '/api/me/availability', body),
  host: (handle: string) => api.get<HostPublicDto>(`/api/hosts/${encodeURIComponent(handle)}`, { anonymous: true }),
  slots: (handle: string, from: string, to: string) => api.get<SlotDto[]>(`/api/hosts/${encodeURIComponent(handle)}/slots${qs({ from, to })}`, { anonymous: true }),
  book: (body: BookingInput, anonymous: boolean) => api.post<BookingCreatedDto>('/api/bookings', body, { anonymous }),
  list: (q: { role?: 'host' | 'guest'; status?: string; from?: string; to?: string; limit?: string }) => api.get<BookingDto[]>(`/api/bookings${qs(q)}`),
  cancel: (id: string, reason: string) => api.post<BookingDto>(`/api/bookings/${id}/cancel`, { reason }),
  mark: (id: string, status: 'completed' | 'no_show') => api.post<BookingDto>(`/api/bookings/${id}/mark`, { status }),
  pay: (id: string, body: { kind: 'payment' | 'refund'; method: string; reference: string; amountCents: number; currency: string }) => api.post<PaymentDto>(`/api/bookings/${id}/payments`, body),
  byToken: (token: string) => api.get<BookingDto>(`/api/bookings/manage/${token}`, { anonymous: true }),
  cancelByToken: (token: string, reason: string) => api.post<BookingDto>(`/api/bookings/manage/${token}/cancel`, { reason }, { anonymous: true }),
  rescheduleByToken: (token: string, start: string) => api.post<BookingDto>(`/api/bookings/manage/${token}/reschedule`, { start }, { anonymous: true }),
  revenue: (from?: string) => api.get<RevenueRowDto[]>(`/api/me/revenue${qs({ from })}`),
  stats: () => api.get<StatsDto>('/api/me/booking-stats'),
};

export const STATUS_LABEL: Record<BookingStatus, string> = {
  pending_payment: 'Payment pending',
  confirmed: 'Confirmed',
  cancelled: 'Cancelled',
  completed: 'Completed',
  no_show: 'No-show',
};

export function money(cents: number, currency: string): string {
  return cents === 0 ? 'Free' : amount(cents, currency);
}

/** An amount of money (zero too), e.g. revenue. */
export function amount(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

/** 'YYYY-MM-DD' of an instant in a zone. */
export function dateIn(iso: string | number, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

/** 'HH:MM' (24 h) of an instant in a zone. */
export function hhmmIn(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

export function dayLabel(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}
