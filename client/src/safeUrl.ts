// Links typed by people (meeting links, materials) are followed only when they are http(s):
// a `javascript:` or `data:` URL in an href runs in the app's origin. The server accepts
// http(s) only; this also covers rows stored before that rule.

/** For an <input pattern>: http:// or https:// (any case), then something. */
export const HTTP_URL_PATTERN = '[hH][tT][tT][pP][sS]?://.+';

/** The URL when it is an absolute http(s) URL, otherwise undefined (render no link). */
export function safeHttpUrl(raw: string): string | undefined {
  const text = raw.trim();
  if (!/^https?:\/\//i.test(text)) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? text : undefined;
  } catch {
    return undefined;
  }
}
