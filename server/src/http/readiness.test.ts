// /readyz names which check failed but not the backend's error text (hosts, users, versions
// of the database); the detail goes to the log.
import { describe, expect, it, vi } from 'vitest';
import { ReadinessError } from '../errors.js';
import { dbKinds, useTestApp } from '../test/harness.js';

describe.each(dbKinds())('/readyz on %s', (kind) => {
  const t = useTestApp(kind);

  it('answers a generic reason for a failed check and logs the detail', async () => {
    const detail = 'password authentication failed for user "lectern" at 10.9.8.7:5432';
    t.runtime.ctx.readinessChecks.set('probe', () => Promise.reject(new Error(detail)));
    const warn = vi.spyOn(t.runtime.ctx.logger, 'warn');
    try {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'not_ready', checks: { database: 'ok', probe: 'failed' } });
      expect(res.body).not.toContain('10.9.8.7');
      expect(JSON.stringify(warn.mock.calls)).toContain('10.9.8.7');
    } finally {
      warn.mockRestore();
      t.runtime.ctx.readinessChecks.delete('probe');
    }
  });

  it('keeps a reason the check itself made for the public (draining)', async () => {
    t.runtime.ctx.readinessChecks.set('drain', () => Promise.reject(new ReadinessError('draining')));
    try {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.json()).toMatchObject({ checks: { drain: 'draining' } });
    } finally {
      t.runtime.ctx.readinessChecks.delete('drain');
    }
  });
});
