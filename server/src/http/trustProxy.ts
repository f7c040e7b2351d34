// LECTERN_TRUST_PROXY: which X-Forwarded-For hops to believe. `true` once meant every hop,
// so a client could write any address in front of the proxy's and dodge per-address
// limits; now it means the one proxy in front of Lectern.
import { isIP } from 'node:net';

/** false: no proxy; a number: that many proxy hops; a list: the proxies' addresses or CIDRs. */
export type TrustProxy = false | number | readonly string[];

export const TRUST_PROXY_HINT = "'false', 'true' (one proxy), a hop count (1-20) or comma-separated proxy addresses/CIDRs";

function isAddressOrCidr(s: string): boolean {
  const parts = s.split('/');
  if (parts.length > 2) return false;
  const [addr = '', prefix] = parts;
  const family = isIP(addr);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The setting, or undefined when the text is none of the accepted forms. */
export function parseTrustProxy(raw: string): TrustProxy | undefined {
  const v = raw.trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'no' || v === '0') return false;
  if (v === 'true' || v === 'yes') return 1;
  if (/^\d{1,2}$/.test(v)) return Number(v) <= 20 ? Number(v) : undefined;
  const list = v.split(',').map((s) => s.trim());
  return list.every(isAddressOrCidr) ? list : undefined;
}

/** Fastify's form: a hop count as a function (as proxy-addr does; Fastify's types take no number). */
export function fastifyTrustProxy(setting: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (setting === false) return false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return [...setting];
}
