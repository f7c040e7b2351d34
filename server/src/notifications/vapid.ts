// VAPID keys for Web Push: configured (LECTERN_VAPID_*), or generated once into
// ${dataDir}/vapid.json (mode 0600) and reused on every start.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';
import type { Config } from '../config.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

const Stored = z.object({ publicKey: z.string().min(80), privateKey: z.string().min(40) });

export function resolveVapidKeys(config: Config): VapidKeys {
  const n = config.notifications;
  const subject = n.vapidSubject;
  if (n.vapidPublicKey && n.vapidPrivateKey) return { publicKey: n.vapidPublicKey, privateKey: n.vapidPrivateKey, subject };
  const file = join(config.dataDir, 'vapid.json');
  try {
    return { ...Stored.parse(JSON.parse(readFileSync(file, 'utf8'))), subject };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file} is unreadable; remove it to generate new VAPID keys`, { cause: err });
  }
  const keys = webpush.generateVAPIDKeys();
  mkdirSync(config.dataDir, { recursive: true });
  try {
    writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process on the same data dir won the race: use its keys.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { ...Stored.parse(JSON.parse(readFileSync(file, 'utf8'))), subject };
    throw err;
  }
  return { ...keys, subject };
}

const cache = new WeakMap<Config, VapidKeys>();

/** resolveVapidKeys, once per Config. */
export function vapidKeysFor(config: Config): VapidKeys {
  let keys = cache.get(config);
  if (!keys) {
    keys = resolveVapidKeys(config);
    cache.set(config, keys);
  }
  return keys;
}
