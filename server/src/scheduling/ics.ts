// A small RFC 5545 writer: one VCALENDAR with VEVENTs. Times are written in UTC ('Z' form),
// which is exact and needs no VTIMEZONE; the session's own zone travels in X-LECTERN-TZID and
// the description so calendar apps still show it. Lines end in CRLF and are folded at 75
// octets without splitting a UTF-8 character.

export interface IcsEvent {
  uid: string;
  sequence: number;
  /** When this version of the event was written (DTSTAMP). */
  stamp: Date;
  start: Date;
  end: Date;
  summary: string;
  description?: string;
  url?: string;
  location?: string;
  status: 'CONFIRMED' | 'CANCELLED';
  organizer?: { name: string; email: string };
  timezone?: string;
  lastModified?: Date;
}

export interface IcsCalendar {
  name?: string;
  method?: 'PUBLISH';
  events: IcsEvent[];
}

/** TEXT value escaping (RFC 5545 3.3.11). */
export function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** Quoted parameter values cannot hold DQUOTE or control characters. */
function paramValue(s: string): string {
  const clean = s.replace(/["\p{Cc}]/gu, '');
  return /[;:,]/.test(clean) ? `"${clean}"` : clean;
}

export function formatUtc(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Folds one content line to at most 75 octets per physical line (RFC 5545 3.1). */
export function foldLine(line: string): string {
  const enc = new TextEncoder();
  const out: string[] = [];
  let current = '';
  let size = 0;
  let limit = 75;
  for (const ch of line) {
    const n = enc.encode(ch).length;
    if (size + n > limit) {
      out.push(current);
      current = ' ';
      size = 1;
      limit = 75;
    }
    current += ch;
    size += n;
  }
  out.push(current);
  return out.join('\r\n');
}

function eventLines(e: IcsEvent): string[] {
  const lines = [
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `DTSTAMP:${formatUtc(e.stamp)}`,
    `SEQUENCE:${e.sequence}`,
    `DTSTART:${formatUtc(e.start)}`,
    `DTEND:${formatUtc(e.end)}`,
    `SUMMARY:${escapeText(e.summary)}`,
  ];
  if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
  if (e.url) lines.push(`URL:${e.url}`);
  if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
  if (e.organizer) lines.push(`ORGANIZER;CN=${paramValue(e.organizer.name)}:mailto:${e.organizer.email}`);
  if (e.lastModified) lines.push(`LAST-MODIFIED:${formatUtc(e.lastModified)}`);
  if (e.timezone) lines.push(`X-LECTERN-TZID:${escapeText(e.timezone)}`);
  lines.push(`STATUS:${e.status}`, 'TRANSP:OPAQUE', 'END:VEVENT');
  return lines;
}

export function renderCalendar(cal: IcsCalendar): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Lectern//Lectern Scheduling//EN', 'CALSCALE:GREGORIAN', `METHOD:${cal.method ?? 'PUBLISH'}`];
  if (cal.name) lines.push(`X-WR-CALNAME:${escapeText(cal.name)}`);
  for (const e of cal.events) lines.push(...eventLines(e));
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
