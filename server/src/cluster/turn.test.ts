import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { turnCredentials, turnIceServers } from './turn.js';

describe('TURN credentials', () => {
  const turn = { urls: ['turn:turn.example.test:3478?transport=udp', 'turns:turn.example.test:5349'], secret: 'a-long-shared-coturn-secret', ttlSeconds: 600 };

  it('TURN credentials follow the coturn shared-secret REST scheme and expire after the TTL', () => {
    const now = new Date('2025-03-30T00:59:30Z');
    const c = turnCredentials(turn, 'peer-1', now);
    const expiry = Math.floor(now.getTime() / 1000) + 600;
    expect(c.username).toBe(`${expiry}:peer-1`);
    expect(c.credential).toBe(createHmac('sha1', turn.secret).update(`${expiry}:peer-1`).digest('base64'));
    expect(c.urls).toEqual(turn.urls);
  });

  it('TURN ice servers are handed out only when TURN is configured, timed by the clock', () => {
    expect(turnIceServers(undefined, new ManualClock(new Date()))).toBeUndefined();
    const clock = new ManualClock(new Date('2025-01-01T00:00:00Z'));
    const servers = turnIceServers(turn, clock)?.('p');
    expect(servers?.[0]?.username).toBe(`${Date.UTC(2025, 0, 1) / 1000 + 600}:p`);
  });

  it('TURN configuration needs URLs and a secret together', () => {
    expect(loadConfig({}).turn).toBeUndefined();
    expect(() => loadConfig({ LECTERN_TURN_URLS: 'turn:x:3478' })).toThrow(/together/);
    expect(() => loadConfig({ LECTERN_TURN_URLS: 'http://x', LECTERN_TURN_SECRET: 'Tq8vN3xLw6Zr2KpM9cYb' })).toThrow(/LECTERN_TURN_URLS/);
    const c = loadConfig({ LECTERN_TURN_URLS: 'turn:x:3478, turns:x:5349', LECTERN_TURN_SECRET: 'Tq8vN3xLw6Zr2KpM9cYb', LECTERN_TURN_TTL_SECONDS: '300' });
    expect(c.turn).toEqual({ urls: ['turn:x:3478', 'turns:x:5349'], secret: 'Tq8vN3xLw6Zr2KpM9cYb', ttlSeconds: 300 });
    expect(loadConfig({ LECTERN_NODE_ID: 'sfu-1' }).cluster.nodeId).toBe('sfu-1');
    expect(loadConfig({}).cluster.nodeTtlMs).toBe(6000);
  });
});
