// TURN credentials for coturn's shared-secret REST scheme (use-auth-secret): the username
// is "<expiry unix seconds>:<peerId>", the password base64(HMAC-SHA1(secret, username)).
// coturn refuses them after the expiry, so a leaked credential is short-lived.
import { createHmac } from 'node:crypto';
import type { Clock } from '../clock.js';

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface TurnSettings {
  readonly urls: readonly string[];
  readonly secret: string;
  readonly ttlSeconds: number;
}

export function turnCredentials(turn: TurnSettings, peerId: string, now: Date): IceServer {
  const expiry = Math.floor(now.getTime() / 1000) + turn.ttlSeconds;
  const username = `${expiry}:${peerId}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { urls: [...turn.urls], username, credential };
}

/** The Gateway's `iceServers` option, or undefined when TURN is not configured. */
export function turnIceServers(turn: TurnSettings | undefined, clock: Clock): ((peerId: string) => IceServer[]) | undefined {
  if (!turn) return undefined;
  return (peerId) => [turnCredentials(turn, peerId, clock.now())];
}
