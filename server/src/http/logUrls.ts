// What of a request URL may reach a log line: the path with its secrets masked and no
// query string (recording and file URLs carry access tokens there for <video> elements).

/** Path prefixes whose next segment is a secret (a bearer credential in the URL). */
const SECRET_AFTER = [
  /^(\/api\/calendar\/)[^/?]+/,
  /^((?:\/api)?\/bookings\/manage\/)[^/?]+/,
  /^(\/(?:reset|setup)\/)[^/?]+/,
  /^((?:\/api\/join|\/j)\/)[^/?]+/,
  /^(\/api\/sessions\/[^/?]+\/codes\/)[^/?]+/,
];

export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  for (const re of SECRET_AFTER) path = path.replace(re, '$1[redacted]');
  return q === -1 ? path : `${path}?[redacted]`;
}
