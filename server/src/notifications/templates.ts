// Words for every event and channel: in-app/push title and body, email subject, text and
// HTML parts, and the calendar attachment for scheduled, rescheduled and cancelled sessions.
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { assertUnreachable } from '../errors.js';
import { renderCalendar } from '../scheduling/ics.js';
import type { SessionPayload } from './sessionEvents.js';
import { URGENT_EVENTS, type EventType, type OutboxRow, type Rendered } from './types.js';

export interface TemplateContext {
  /** Absolute base URL for links in emails. */
  publicUrl: string;
  now: Date;
}

const DAY = 24 * 3600;

function when(iso: string, zone: string): string {
  const dt = DateTime.fromISO(iso, { zone });
  return `${dt.isValid ? dt.toFormat('ccc d LLL yyyy, HH:mm') : iso} (${zone})`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Push topics are at most 32 URL-safe characters; one per session lets a newer alert replace an older one. */
export function pushTopic(key: string): string {
  const hex = key.replace(/-/g, '');
  if (/^[0-9a-f]{32}$/i.test(hex)) return hex;
  return createHash('sha256').update(key).digest('base64url').slice(0, 32);
}

function calendar(p: SessionPayload, method: 'REQUEST' | 'CANCEL', publicUrl: string): Rendered['email']['ics'] {
  const start = new Date(p.startsAt);
  const content = renderCalendar({
    events: [
      {
        uid: `${p.sessionId}@lectern`,
        sequence: p.sequence,
        stamp: new Date(p.changedAt),
        start,
        end: new Date(start.getTime() + p.durationMinutes * 60_000),
        summary: p.title,
        description: p.description || undefined,
        url: `${publicUrl}/`,
        status: method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
        timezone: p.timezone,
      },
    ],
  });
  return { filename: method === 'CANCEL' ? 'cancelled.ics' : 'session.ics', content };
}

interface Words {
  title: string;
  body: string;
  link: string;
  ics?: 'REQUEST' | 'CANCEL';
  ttlSeconds: number;
}

function sessionWords(type: EventType, p: SessionPayload, now: Date): Words {
  const at = when(p.startsAt, p.timezone);
  const host = p.hostName ? ` with ${p.hostName}` : '';
  const link = `/sessions/${p.sessionId}`;
  const untilStart = Math.max(60, Math.floor((new Date(p.startsAt).getTime() - now.getTime()) / 1000));
  switch (type) {
    case 'session.scheduled':
      if (p.series && p.series.count > 1) {
        return {
          title: `New ${p.series.frequency} series: ${p.title}, ${p.series.when}, ${p.series.count} sessions`,
          body: `First on ${at}${host}, ${p.durationMinutes} minutes each.`,
          link,
          ics: 'REQUEST',
          ttlSeconds: DAY,
        };
      }
      return { title: `New session: ${p.title}`, body: `${at}${host}, ${p.durationMinutes} minutes.`, link, ics: 'REQUEST', ttlSeconds: DAY };
    case 'session.rescheduled': {
      const before = p.previousStart ? ` (was ${when(p.previousStart, p.timezone)})` : '';
      const why = p.reason ? ` Reason: ${p.reason}` : '';
      return { title: `Rescheduled: ${p.title}`, body: `Now ${at}${before}.${why}`, link, ics: 'REQUEST', ttlSeconds: DAY };
    }
    case 'session.cancelled': {
      const why = p.reason ? ` Reason: ${p.reason}` : '';
      return { title: `Cancelled: ${p.title}`, body: `The session on ${at} will not take place.${why}`, link, ics: 'CANCEL', ttlSeconds: DAY };
    }
    case 'session.reminder': {
      const mins = Math.max(1, Math.round(untilStart / 60));
      return { title: `Starts in ${mins} min: ${p.title}`, body: `${at}${host}.`, link, ttlSeconds: untilStart };
    }
    case 'session.live':
      return { title: `Live now: ${p.title}`, body: `${p.hostName || 'Your teacher'} started the session. Join now.`, link, ttlSeconds: 3600 };
    case 'session.waiting': {
      const who = p.waitingName ?? 'Someone';
      return { title: `${who} is waiting: ${p.title}`, body: `${who} opened the room and waits for you to start the session (planned for ${at}).`, link, ttlSeconds: 15 * 60 };
    }
    case 'chat.added':
    case 'chat.message':
    case 'call.ringing':
    case 'booking.confirmed':
    case 'booking.cancelled':
    case 'call.missed':
      throw new Error(`${type} is not a session event`);
    default:
      return assertUnreachable(type);
  }
}

/** Chat and call events carry their words ready-made: { title, body, link?, topic? }. */
function genericWords(p: Record<string, unknown>, type: EventType): Words {
  const s = (k: string) => (typeof p[k] === 'string' ? p[k] : undefined);
  return { title: s('title') ?? type, body: s('body') ?? '', link: s('link') ?? '/', ttlSeconds: type === 'call.ringing' ? 60 : DAY };
}

/**
 * Booking events carry the session's payload plus their words ready-made for this
 * recipient ({ headline, body, link }, links absolute for a guest) and get the .ics.
 */
function bookingWords(p: Record<string, unknown>, type: EventType): Words {
  const s = (k: string) => (typeof p[k] === 'string' ? p[k] : undefined);
  return { title: s('headline') ?? type, body: s('body') ?? '', link: s('link') ?? '/', ics: type === 'booking.cancelled' ? 'CANCEL' : 'REQUEST', ttlSeconds: DAY };
}

export function render(row: Pick<OutboxRow, 'eventType' | 'eventKey' | 'payload'>, ctx: TemplateContext): Rendered {
  const type = row.eventType as EventType;
  const isBooking = type.startsWith('booking.');
  const isSession = type.startsWith('session.') || isBooking;
  const p = row.payload;
  const w = isBooking ? bookingWords(p, type) : isSession ? sessionWords(type, p as SessionPayload, ctx.now) : genericWords(p, type);
  const urgent = URGENT_EVENTS.has(type);
  // A guest without an account reaches the room by the booking's join link.
  if (typeof p.joinPath === 'string' && p.joinPath.startsWith('/j/')) w.link = p.joinPath;
  const url = /^https?:\/\//.test(w.link) ? w.link : `${ctx.publicUrl}${w.link}`;
  const text = `${w.title}\n\n${w.body}\n\nOpen Lectern: ${url}\n`;
  const html =
    `<!doctype html><html><body style="font-family:system-ui,sans-serif">` +
    `<h2 style="color:${urgent ? '#b42318' : '#1d2939'}">${escapeHtml(w.title)}</h2>` +
    `<p>${escapeHtml(w.body)}</p><p><a href="${escapeHtml(url)}">Open Lectern</a></p></body></html>`;
  const ics = isSession && w.ics ? calendar(p as SessionPayload, w.ics, ctx.publicUrl) : undefined;
  const topicKey = isSession ? (p as SessionPayload).sessionId : (typeof p.topic === 'string' ? p.topic : row.eventKey);
  return {
    title: w.title,
    body: w.body,
    urgent,
    link: w.link,
    email: { subject: urgent ? `[Now] ${w.title}` : w.title, text, html, ...(ics ? { ics } : {}) },
    push: { ttlSeconds: w.ttlSeconds, topic: pushTopic(topicKey) },
  };
}
