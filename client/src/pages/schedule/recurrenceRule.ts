// The schedule form's recurrence options -> an RFC 5545 RRULE string, and a sentence for it.

export const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type WeekdayCode = (typeof WEEKDAY_CODES)[number];
export const WEEKDAY_NAMES: Record<WeekdayCode, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };

export type Repeat = 'none' | 'daily' | 'weekly' | 'biweekly' | 'monthly_day' | 'monthly_nth';

export interface RecurrenceOptions {
  repeat: Repeat;
  /** weekly / biweekly */
  weekdays: WeekdayCode[];
  /** monthly_day: 1..31 or -1 (last day) */
  monthDay: number;
  /** monthly_nth: 1..5 or -1 (last) */
  nth: number;
  nthWeekday: WeekdayCode;
  end: 'count' | 'until';
  count: number;
  /** YYYY-MM-DD, the last day (inclusive, in the session's zone) */
  until: string;
}

/** Returns undefined for a one-off session. Throws with a sentence when options are incomplete. */
export function buildRRule(o: RecurrenceOptions): string | undefined {
  const parts: string[] = [];
  switch (o.repeat) {
    case 'none':
      return undefined;
    case 'daily':
      parts.push('FREQ=DAILY');
      break;
    case 'weekly':
    case 'biweekly':
      if (!o.weekdays.length) throw new Error('Pick at least one weekday');
      parts.push('FREQ=WEEKLY');
      if (o.repeat === 'biweekly') parts.push('INTERVAL=2');
      parts.push(`BYDAY=${WEEKDAY_CODES.filter((d) => o.weekdays.includes(d)).join(',')}`);
      break;
    case 'monthly_day':
      if (!Number.isInteger(o.monthDay) || o.monthDay === 0 || o.monthDay < -1 || o.monthDay > 31) throw new Error('Pick a day of the month');
      parts.push('FREQ=MONTHLY', `BYMONTHDAY=${o.monthDay}`);
      break;
    case 'monthly_nth':
      parts.push('FREQ=MONTHLY', `BYDAY=${o.nth}${o.nthWeekday}`);
      break;
  }
  if (o.end === 'count') {
    if (!Number.isInteger(o.count) || o.count < 1 || o.count > 366) throw new Error('Number of sessions must be between 1 and 366');
    parts.push(`COUNT=${o.count}`);
  } else {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(o.until)) throw new Error('Pick the end date');
    parts.push(`UNTIL=${o.until.replaceAll('-', '')}`);
  }
  return `RRULE:${parts.join(';')}`;
}

const ORDINALS: Record<string, string> = { '1': 'first', '2': 'second', '3': 'third', '4': 'fourth', '5': 'fifth', '-1': 'last' };

/** "Every other week on Monday and Wednesday, 10 times" for 'RRULE:...'. */
export function describeRRule(rrule: string): string {
  const p = new Map(rrule.replace(/^RRULE:/, '').split(';').map((kv) => kv.split('=') as [string, string]));
  const days = (p.get('BYDAY') ?? '').split(',').filter(Boolean);
  const dayName = (code: string) => WEEKDAY_NAMES[code.slice(-2) as WeekdayCode] ?? code;
  const interval = Number(p.get('INTERVAL') ?? '1');
  let out: string;
  switch (p.get('FREQ') ?? '') {
    case 'DAILY':
      out = interval === 1 ? 'Every day' : `Every ${interval} days`;
      break;
    case 'WEEKLY':
      out = `${interval === 2 ? 'Every other week' : interval > 2 ? `Every ${interval} weeks` : 'Every week'}${days.length ? ` on ${days.map(dayName).join(', ')}` : ''}`;
      break;
    case 'MONTHLY': {
      const md = p.get('BYMONTHDAY');
      if (md) out = `Monthly on ${md === '-1' ? 'the last day' : `day ${md}`}`;
      else if (days.length) out = `Monthly on the ${days.map((d) => `${ORDINALS[d.slice(0, -2)] ?? ''} ${dayName(d)}`.trim()).join(', ')}`;
      else out = 'Monthly';
      break;
    }
    default:
      return rrule;
  }
  const count = p.get('COUNT');
  const until = p.get('UNTIL');
  if (count) out += `, ${count} times`;
  if (until) out += `, until ${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}`;
  return out;
}
