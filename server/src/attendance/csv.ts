// CSV export of a session's attendance: RFC 4180 (CRLF, fields quoted when they hold a
// comma, quote or line break, quotes doubled), UTF-8 with a byte-order mark so spreadsheet
// apps read names right, times in the session's time zone, named in the headers.
import { DateTime } from 'luxon';
import type { SessionReport } from './contract.js';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
const BOM = '\uFEFF';

/**
 * One field. Text that a spreadsheet would run as a formula (=, +, -, @ first) gets a
 * leading apostrophe: guests choose their own names.
 */
export function csvField(value: string | number | null | undefined, { guard = true } = {}): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'number' ? String(value) : value;
  if (guard && typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: (string | number | null | undefined)[]): string {
  return values.map((v) => csvField(v)).join(',');
}

/** `2026-03-29 10:15:00` in the zone; empty for null. */
export function localTime(isoTime: string | null, zone: string): string {
  if (!isoTime) return '';
  return DateTime.fromISO(isoTime, { zone: 'utc' }).setZone(zone).toFormat('yyyy-LL-dd HH:mm:ss');
}

export function attendanceCsv(report: SessionReport): string {
  const zone = report.timezone;
  const header = [
    'Name',
    'Participant ID',
    'Role',
    'Status',
    'RSVP',
    `First join (${zone})`,
    `Last leave (${zone})`,
    'Minutes present',
    'Connections',
    'Note',
  ];
  const lines = [csvRow(header)];
  for (const p of report.participants) {
    lines.push(
      csvRow([
        p.name,
        p.participantId,
        p.role,
        p.status,
        p.rsvp ?? '',
        localTime(p.firstJoinAt, zone),
        localTime(p.lastLeaveAt, zone),
        p.minutesPresent,
        p.intervals,
        p.note ?? '',
      ]),
    );
  }
  return BOM + lines.join('\r\n') + '\r\n';
}

/** A file name for Content-Disposition: ASCII fallback plus the UTF-8 form. */
export function csvDisposition(report: SessionReport): string {
  const day = localTime(report.session.startedAt ?? report.session.scheduledAt, report.timezone).slice(0, 10);
  const base = `attendance-${report.session.title}-${day}`.replace(/[\\/:*?"<>|\r\n]+/g, '-').slice(0, 120);
  const ascii = base.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/[";\\]/g, '') || 'attendance';
  return `attachment; filename="${ascii}.csv"; filename*=UTF-8''${encodeURIComponent(`${base}.csv`)}`;
}
