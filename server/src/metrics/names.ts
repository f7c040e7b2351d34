// Every metric name GET /metrics exposes, kept in one static list so the Grafana
// dashboard (deploy/grafana) can be checked against it without starting a server; the
// metrics test checks that a live registry exposes exactly these names.
export const METRIC_PREFIX = 'lectern_';

/** The metrics Lectern defines itself (metrics.ts). */
export const LECTERN_METRIC_NAMES = [
  'lectern_http_request_duration_seconds',
  'lectern_socketio_sockets',
  'lectern_sfu_rooms',
  'lectern_sfu_peers',
  'lectern_sfu_producers',
  'lectern_sfu_consumers',
  'lectern_sfu_worker_cpu_seconds_total',
  'lectern_sfu_worker_io_uring',
  'lectern_outbox_pending',
  'lectern_outbox_oldest_pending_age_seconds',
  'lectern_reminder_last_scan_age_seconds',
  'lectern_database_up',
  'lectern_redis_up',
] as const;

/** prom-client's default process metrics, prefixed (the ones present on Linux). */
export const PROCESS_METRIC_NAMES = [
  'lectern_process_cpu_user_seconds_total',
  'lectern_process_cpu_system_seconds_total',
  'lectern_process_cpu_seconds_total',
  'lectern_process_start_time_seconds',
  'lectern_process_resident_memory_bytes',
  'lectern_process_virtual_memory_bytes',
  'lectern_process_heap_bytes',
  'lectern_process_open_fds',
  'lectern_process_max_fds',
  'lectern_nodejs_eventloop_lag_seconds',
  'lectern_nodejs_eventloop_lag_min_seconds',
  'lectern_nodejs_eventloop_lag_max_seconds',
  'lectern_nodejs_eventloop_lag_mean_seconds',
  'lectern_nodejs_eventloop_lag_stddev_seconds',
  'lectern_nodejs_eventloop_lag_p50_seconds',
  'lectern_nodejs_eventloop_lag_p90_seconds',
  'lectern_nodejs_eventloop_lag_p99_seconds',
  'lectern_nodejs_active_resources',
  'lectern_nodejs_active_resources_total',
  'lectern_nodejs_active_handles',
  'lectern_nodejs_active_handles_total',
  'lectern_nodejs_active_requests',
  'lectern_nodejs_active_requests_total',
  'lectern_nodejs_heap_size_total_bytes',
  'lectern_nodejs_heap_size_used_bytes',
  'lectern_nodejs_external_memory_bytes',
  'lectern_nodejs_heap_space_size_total_bytes',
  'lectern_nodejs_heap_space_size_used_bytes',
  'lectern_nodejs_heap_space_size_available_bytes',
  'lectern_nodejs_version_info',
  'lectern_nodejs_gc_duration_seconds',
] as const;

export const METRIC_NAMES: readonly string[] = [...LECTERN_METRIC_NAMES, ...PROCESS_METRIC_NAMES];
