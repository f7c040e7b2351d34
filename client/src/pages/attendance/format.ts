// Formatting for the attendance pages: times in a session's zone, percentages, statuses.
import type { ReportStatus } from '@lectern/server/contract/attendance';

export function timeIn(iso: string | null, zone: string, withDate = false): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(undefined, {
    timeZone: zone,
    ...(withDate ? { year: 'numeric', month: 'short', day: 'numeric' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    second: withDate ? undefined : '2-digit',
  }).format(new Date(iso));
}

/** "4 Mar" in `zone`; "4 Mar 2025" when it is not this year. */
export function dateIn(iso: string, zone: string, now = new Date()): string {
  const date = new Date(iso);
  const year = date.getFullYear() !== now.getFullYear() ? ({ year: 'numeric' } as const) : {};
  return new Intl.DateTimeFormat(undefined, { timeZone: zone, month: 'short', day: 'numeric', ...year }).format(date);
}

export const percent = (rate: number | null): string => (rate === null ? '—' : `${Math.round(rate * 100)}%`);

export function money(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

export const STATUS_LABEL: Record<ReportStatus, string> = {
  present: 'Present',
  late: 'Late',
  absent: 'Absent',
  excused: 'Excused',
  registered: 'Registered',
  invited: 'Invited',
  declined: 'Declined',
};

/** Fill colours shared by the table badges, the heatmap and the legends (badge text: 4.5:1 or more). */
export const STATUS_COLOR: Record<ReportStatus, string> = {
  present: '#287a4c',
  late: '#d99a1e',
  absent: '#c8453c',
  excused: '#5f6f98',
  registered: '#5b8fc7',
  invited: '#b7c3d0',
  declined: '#9aa3ad',
};
