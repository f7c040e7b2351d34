// Wall-clock times in IANA time zones, without a date library.

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function timeZones(): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const all = new Set([...zones, 'UTC', browserTimeZone()]);
  return [...all].sort();
}

/** Offset of `zone` from UTC at instant `utcMs`, in milliseconds (east positive). */
export function zoneOffsetMs(utcMs: number, zone: string): number {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(utcMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  const whole = utcMs - (utcMs % 1000);
  return asUtc - whole;
}

/**
 * `2025-03-30T02:30` (an <input type="datetime-local"> value) read as wall time in `zone`
 * -> the UTC instant, as an ISO string. Times in a DST gap move forward by the gap.
 */
export function wallTimeToIso(wall: string, zone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall);
  if (!m) throw new Error('Enter a date and time');
  const [, y, mo, d, h, mi, s] = m;
  const naive = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  let utc = naive - zoneOffsetMs(naive, zone);
  const second = naive - zoneOffsetMs(utc, zone);
  if (second !== utc) utc = Math.max(utc, second);
  return new Date(utc).toISOString();
}

/** The current time in `zone` as an <input type="datetime-local"> value, rounded up to `stepMin`. */
export function wallTimeNow(zone: string, stepMin = 15, now = Date.now()): string {
  const step = stepMin * 60_000;
  const rounded = Math.ceil(now / step) * step;
  const local = new Date(rounded + zoneOffsetMs(rounded, zone));
  return local.toISOString().slice(0, 16);
}

/** "Tue 4 Mar, 14:30 CET" in the given zone. */
export function formatWhen(iso: string, zone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const opts: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  // Dates of another year say which one.
  if (date.getFullYear() !== new Date().getFullYear()) opts.year = 'numeric';
  try {
    return new Intl.DateTimeFormat(undefined, zone ? { ...opts, timeZone: zone } : opts).format(date);
  } catch {
    return new Intl.DateTimeFormat(undefined, opts).format(date);
  }
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(date);
}

/** "Tue 7 Apr, 12:00" (the year too when it is not this year), in the browser's zone or `zone`. */
export function formatDateTime(iso: string, zone?: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const opts: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
  if (date.getFullYear() !== now.getFullYear()) opts.year = 'numeric';
  try {
    return new Intl.DateTimeFormat(undefined, zone ? { ...opts, timeZone: zone } : opts).format(date);
  } catch {
    return new Intl.DateTimeFormat(undefined, opts).format(date);
  }
}
