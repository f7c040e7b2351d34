// The monitoring examples: the Grafana dashboard is valid dashboard JSON whose every query
// names metrics the server really exposes (the static list the metrics test holds the
// server to), and the Prometheus example scrapes /metrics with a bearer token file.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../server/src/metrics/names.js';

const read = (p: string) => readFileSync(new URL(p, import.meta.url), 'utf8');

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets: { expr: string; refId: string }[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { query: { query: string } }[] };
}

/** Metric names in a PromQL expression: lectern_ identifiers, with histogram series mapped to their family. */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\blectern_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ''));
}

describe('deploy/grafana/lectern-dashboard.json', () => {
  const dashboard = JSON.parse(read('grafana/lectern-dashboard.json')) as Dashboard;

  it('grafana dashboard has a title, a uid and panels that each query something, with unique ids', () => {
    expect(dashboard.title).toBe('Lectern');
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(30);
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(8);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const p of dashboard.panels) {
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    }
  });

  it('grafana dashboard queries only metrics the server exposes, and covers latency, sockets, peers, CPU, outbox and DB/Redis', () => {
    const exprs = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...dashboard.templating.list.map((v) => v.query.query)];
    const used = new Set(exprs.flatMap(metricsIn));
    expect([...used].filter((n) => !METRIC_NAMES.includes(n))).toEqual([]);
    for (const needed of [
      'lectern_http_request_duration_seconds',
      'lectern_socketio_sockets',
      'lectern_sfu_peers',
      'lectern_sfu_worker_cpu_seconds_total',
      'lectern_outbox_pending',
      'lectern_outbox_oldest_pending_age_seconds',
      'lectern_database_up',
      'lectern_redis_up',
    ]) {
      expect(used.has(needed), needed).toBe(true);
    }
    const latency = exprs.filter((e) => e.includes('lectern_http_request_duration_seconds_bucket'));
    expect(latency.some((e) => e.startsWith('histogram_quantile(0.5,'))).toBe(true);
    expect(latency.some((e) => e.startsWith('histogram_quantile(0.99,'))).toBe(true);
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  it('prometheus example scrapes /metrics of API and SFU nodes with a bearer token file', () => {
    const config = parse(read('prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; metrics_path: string; authorization: { type: string; credentials_file: string }; static_configs: { targets: string[] }[] }[];
    };
    expect(config.scrape_configs.map((j) => j.job_name).sort()).toEqual(['lectern-api', 'lectern-sfu']);
    for (const job of config.scrape_configs) {
      expect(job.metrics_path).toBe('/metrics');
      expect(job.authorization.type).toBe('Bearer');
      expect(job.authorization.credentials_file).toMatch(/^\//);
      expect(job.static_configs.flatMap((s) => s.targets).length).toBeGreaterThan(0);
    }
  });
});
