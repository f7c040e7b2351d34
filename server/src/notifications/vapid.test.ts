import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { resolveVapidKeys } from './vapid.js';

describe('vapid keys', () => {
  it('vapid keys are generated once into the data dir (mode 0600) and reused; configured keys win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lectern-vapid-'));
    const config = loadConfig({ LECTERN_DATA_DIR: dir });
    const first = resolveVapidKeys(config);
    expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
    expect(statSync(join(dir, 'vapid.json')).mode & 0o777).toBe(0o600);
    expect(resolveVapidKeys(config)).toEqual(first);
    const configured = loadConfig({ LECTERN_DATA_DIR: dir, LECTERN_VAPID_PUBLIC_KEY: 'B'.repeat(87), LECTERN_VAPID_PRIVATE_KEY: 'Gh3kR9pXw2LmT7vQz5NcB1yJ8fD4sA6eU0oIiKqWrYt', LECTERN_VAPID_SUBJECT: 'https://school.example' });
    expect(resolveVapidKeys(configured)).toEqual({ publicKey: 'B'.repeat(87), privateKey: 'Gh3kR9pXw2LmT7vQz5NcB1yJ8fD4sA6eU0oIiKqWrYt', subject: 'https://school.example' });
    expect(() => loadConfig({ LECTERN_VAPID_PUBLIC_KEY: 'x' })).toThrow(/must be set together/);
    expect(() => loadConfig({ LECTERN_SMTP_URL: 'http://mail' })).toThrow(/smtp/);
    expect(loadConfig({ LECTERN_REMINDER_OFFSETS: '15, 60,15' }).notifications.reminderOffsetsMinutes).toEqual([60, 15]);
  });
});
