import { withDeadline } from '../infra/deadline.js';

/** One line of `lectern doctor`: what was checked, how it went, and what to do about it. */
export interface CheckResult {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly detail: string;
  /** What to change (warn and fail). */
  readonly fix?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'warn', detail, fix });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'fail', detail, fix });

/** A promise bounded in time: probes of other hosts must never hang the doctor. */
export const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> => withDeadline(p, ms, () => new Error(`${what}: no answer within ${ms} ms`));

/** The innermost cause of an error (drivers and drizzle wrap theirs). */
export function rootCause(err: unknown): unknown {
  let e = err;
  for (let i = 0; i < 5 && e instanceof Error && e.cause !== undefined; i++) e = e.cause;
  return e;
}

/** A short reason: the first line of the innermost message, with its code (ECONNREFUSED, 42P01, ...) when that adds one. */
export const reason = (err: unknown): string => {
  const e = rootCause(err) as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? (e.message.split('\n')[0] ?? '') : typeof e === 'string' ? e : 'unknown error';
  const code = typeof e?.code === 'string' ? e.code : '';
  return code === '' || message.includes(code) ? message || code : message ? `${code}: ${message}` : code;
};
