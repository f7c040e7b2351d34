// Sign-in limits, all checked before the password is hashed:
// - attempts per client address and in all, per short window: counted atomically (one
//   increment each, on Redis a script) so a flood of made-up emails is turned away
//   without running scrypt;
// - failures per (email, address): the quick lock a guesser from one place runs into;
// - failures per email from everywhere: a slower limit, so one address cannot lock a
//   person out of their account but a spread-out guesser still stops.
import { isIPv6 } from 'node:net';
import type { Config } from '../config.js';
import { TooManyRequestsError } from '../errors.js';
import type { CounterStore } from '../infra/counters.js';

/** An IPv6 client gets a whole /64 from its provider: count the /64, not the address. */
export function clientKey(ip: string): string {
  if (!isIPv6(ip) || ip.includes('.')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export class LoginThrottle {
  constructor(
    private readonly counters: CounterStore,
    private readonly auth: Config['auth'],
  ) {}

  #pairKey = (email: string, ip: string) => `login:fail:${email}:${clientKey(ip)}`;
  #accountKey = (email: string) => `login:fail:${email}`;

  /** Throws 429 when this attempt may not go on to a password check. */
  async admit(email: string, ip: string): Promise<void> {
    const window = this.auth.loginRateWindowSeconds;
    const [perIp, global] = await Promise.all([this.counters.hit(`login:ip:${clientKey(ip)}`, window), this.counters.hit('login:global', window)]);
    if (perIp.count > this.auth.loginRatePerIp) throw new TooManyRequestsError(perIp.resetSeconds, 'Too many sign-in attempts from your network; try again later');
    if (global.count > this.auth.loginRateGlobal) throw new TooManyRequestsError(global.resetSeconds, 'Too many sign-in attempts right now; try again later');
    const [pair, account] = await Promise.all([this.counters.peek(this.#pairKey(email, ip)), this.counters.peek(this.#accountKey(email))]);
    const locked =
      pair && pair.count >= this.auth.loginMaxFailures ? pair : account && account.count >= this.auth.loginMaxFailuresPerAccount ? account : null;
    if (locked) throw new TooManyRequestsError(locked.resetSeconds, 'Too many failed sign-in attempts for this account; try again later');
  }

  async failed(email: string, ip: string): Promise<void> {
    const window = this.auth.loginWindowSeconds;
    await Promise.all([this.counters.hit(this.#pairKey(email, ip), window), this.counters.hit(this.#accountKey(email), window)]);
  }

  /** Success clears this address's failures; the account-wide count runs out with its window. */
  async succeeded(email: string, ip: string): Promise<void> {
    await this.counters.reset(this.#pairKey(email, ip));
  }
}
