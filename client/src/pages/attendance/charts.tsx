// Small inline-SVG charts for attendance: a head-count step chart over a session, a rate
// line over time, bars per period, and a status heatmap. No chart library; each scales with
// its box.
import type { ReportStatus } from '@lectern/server/contract/attendance';
import { dateIn, STATUS_COLOR, STATUS_LABEL, timeIn } from './format.js';

const W = 720;
const PAD = { top: 14, right: 16, bottom: 30, left: 40 };

function ticks(from: number, to: number, n: number): number[] {
  if (to <= from) return [from];
  const step = (to - from) / n;
  return Array.from({ length: n + 1 }, (_, i) => from + i * step);
}

/** Count ticks 0 … max (at most 5, whole numbers). */
const countTicks = (max: number) => [...new Set(ticks(0, max, Math.min(max, 4)).map(Math.round))];

/** Horizontal grid lines across the plot at `values`, each labelled on the left. */
function YGrid({ values, y, label = String }: { values: number[]; y: (v: number) => number; label?: (v: number) => string }) {
  return (
    <>
      {values.map((v) => (
        <g key={v}>
          <line class="chart-grid" x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
          <text class="chart-label" x={PAD.left - 6} y={y(v) + 4} text-anchor="end">
            {label(v)}
          </text>
        </g>
      ))}
    </>
  );
}

const STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 240];

/** Round clock times (every 1, 2, 5, 10, 15, 30 … minutes) between from and to, at most 7. */
function timeTicks(from: number, to: number): number[] {
  const span = Math.max(1, to - from);
  const step = (STEPS_MIN.find((m) => span / (m * 60_000) <= 6) ?? 480) * 60_000;
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}

/** Head count over a session: how many distinct people were in the room, minute by minute. */
export function HeadCountChart(props: { timeline: { at: string; count: number }[]; from: number; to: number; zone: string; title: string }) {
  const H = 200;
  const pts = props.timeline.map((p) => ({ t: Date.parse(p.at), c: p.count }));
  const from = Math.min(props.from, pts[0]?.t ?? props.from);
  const to = Math.max(props.to, pts.at(-1)?.t ?? props.to, from + 60_000);
  const max = Math.max(1, ...pts.map((p) => p.c));
  const x = (t: number) => PAD.left + ((t - from) / (to - from)) * (W - PAD.left - PAD.right);
  const y = (c: number) => H - PAD.bottom - (c / max) * (H - PAD.top - PAD.bottom);
  let d = `M${x(from)},${y(0)}`;
  let last = 0;
  for (const p of pts) {
    d += ` H${x(p.t)} V${y(p.c)}`;
    last = p.c;
  }
  d += ` H${x(to)}`;
  const area = `${d} V${y(0)} Z`;
  const summary = `${props.title}: peak ${max} ${max === 1 ? 'person' : 'people'}; ${last} at the end of the chart.`;
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
      <title>{summary}</title>
      <YGrid values={countTicks(max)} y={y} />
      {timeTicks(from, to).map((t) => (
        <text key={t} class="chart-label" x={x(t)} y={H - 8} text-anchor="middle">
          {timeIn(new Date(t).toISOString(), props.zone).slice(0, 5)}
        </text>
      ))}
      <path d={area} class="chart-area" />
      <path d={d} class="chart-line" />
    </svg>
  );
}

export interface RatePoint {
  at: string;
  rate: number | null;
  label: string;
  href?: string;
}

/** Attendance rate (0–100%) per session (or per `unit`, e.g. week) over time. */
export function RateChart(props: { points: RatePoint[]; zone: string; title: string; unit?: string }) {
  const H = 240;
  const pts = props.points.map((p) => ({ ...p, t: Date.parse(p.at) }));
  const ts = pts.map((p) => p.t);
  const from = ts.length > 0 ? Math.min(...ts) : Date.now();
  const to = ts.length > 1 ? Math.max(...ts) : from + 86_400_000;
  const x = (t: number) => PAD.left + 10 + ((t - from) / (to - from)) * (W - PAD.left - PAD.right - 20);
  const y = (r: number) => H - PAD.bottom - r * (H - PAD.top - PAD.bottom);
  const segments: string[] = [];
  let cur = '';
  for (const p of pts) {
    if (p.rate === null) {
      if (cur) segments.push(cur);
      cur = '';
      continue;
    }
    cur += `${cur ? ' L' : 'M'}${x(p.t)},${y(p.rate)}`;
  }
  if (cur) segments.push(cur);
  const rated = pts.filter((p): p is typeof p & { rate: number } => p.rate !== null);
  const avg = rated.length > 0 ? rated.reduce((a, p) => a + p.rate, 0) / rated.length : null;
  const summary = `${props.title}: ${pts.length} ${props.unit ?? 'sessions'}${avg === null ? '' : `, average ${Math.round(avg * 100)}%`}.`;
  const labelEvery = Math.max(1, Math.ceil(pts.length / 8));
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
      <title>{summary}</title>
      <YGrid values={[0, 0.25, 0.5, 0.75, 1]} y={y} label={(r) => `${Math.round(r * 100)}%`} />
      {avg !== null && <line class="chart-avg" x1={PAD.left} x2={W - PAD.right} y1={y(avg)} y2={y(avg)} />}
      {segments.map((d) => (
        <path key={d} d={d} class="chart-line" />
      ))}
      {pts.map((p, i) => (
        <g key={`${p.at}-${i}`}>
          {p.rate !== null && (
            <circle class="chart-dot" cx={x(p.t)} cy={y(p.rate)} r={4.5}>
              <title>{`${p.label}: ${Math.round(p.rate * 100)}%`}</title>
            </circle>
          )}
          {i % labelEvery === 0 && (
            <text class="chart-label" x={x(p.t)} y={H - 8} text-anchor="middle">
              {dateIn(p.at, props.zone)}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}

/** One bar per period (e.g. sessions held per week), labelled below, the value on top. */
export function BarChart(props: { bars: { label: string; value: number; title: string }[]; title: string; unit: string }) {
  const H = 200;
  const max = Math.max(1, ...props.bars.map((b) => b.value));
  const slot = (W - PAD.left - PAD.right) / Math.max(1, props.bars.length);
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const total = props.bars.reduce((n, b) => n + b.value, 0);
  const summary = `${props.title}: ${total} ${props.unit} in ${props.bars.length} weeks, at most ${max} in a week.`;
  const labelEvery = Math.max(1, Math.ceil(props.bars.length / 8));
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
      <title>{summary}</title>
      <YGrid values={countTicks(max)} y={y} />
      {props.bars.map((b, i) => {
        const x = PAD.left + i * slot + slot * 0.15;
        return (
          <g key={`${b.label}-${i}`}>
            <rect class="chart-bar" x={x} y={y(b.value)} width={slot * 0.7} height={y(0) - y(b.value)} rx={3}>
              <title>{b.title}</title>
            </rect>
            {b.value > 0 && (
              <text class="chart-label" x={x + slot * 0.35} y={y(b.value) - 4} text-anchor="middle">
                {b.value}
              </text>
            )}
            {i % labelEvery === 0 && (
              <text class="chart-label" x={x + slot * 0.35} y={H - 8} text-anchor="middle">
                {b.label}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

export interface HeatmapRow {
  label: string;
  cells: { status: ReportStatus | null; title: string }[];
}

/** Rows (students) by columns (sessions), each cell coloured by attendance status. */
export function Heatmap(props: { rows: HeatmapRow[]; columns: string[]; title: string }) {
  const cell = 26;
  const gap = 3;
  const labelW = 160;
  const headH = 44;
  const width = labelW + props.columns.length * (cell + gap) + 8;
  const height = headH + props.rows.length * (cell + gap) + 4;
  return (
    <svg class="chart heatmap" viewBox={`0 0 ${width} ${height}`} style={{ maxWidth: `${width}px` }} role="img" aria-label={props.title}>
      <title>{props.title}</title>
      {props.columns.map((c, j) => (
        <text
          key={`${c}-${j}`}
          class="chart-label"
          transform={`translate(${labelW + j * (cell + gap) + cell / 2 + 4}, ${headH - 6}) rotate(-50)`}
        >
          {c}
        </text>
      ))}
      {props.rows.map((r, i) => (
        <g key={`${r.label}-${i}`} transform={`translate(0, ${headH + i * (cell + gap)})`}>
          <text class="chart-label chart-row-label" x={labelW - 8} y={cell / 2 + 4} text-anchor="end">
            {r.label.length > 20 ? `${r.label.slice(0, 19)}…` : r.label}
          </text>
          {r.cells.map((c, j) => (
            <rect
              key={j}
              x={labelW + j * (cell + gap)}
              width={cell}
              height={cell}
              rx={4}
              class={c.status ? 'heat-cell' : 'heat-cell heat-none'}
              fill={c.status ? STATUS_COLOR[c.status] : undefined}
            >
              <title>{c.title}</title>
            </rect>
          ))}
        </g>
      ))}
    </svg>
  );
}

export function StatusLegend({ statuses }: { statuses: ReportStatus[] }) {
  return (
    <ul class="legend" aria-label="Legend">
      {statuses.map((s) => (
        <li key={s}>
          <span class="legend-swatch" style={{ background: STATUS_COLOR[s] }} aria-hidden="true" />
          {STATUS_LABEL[s]}
        </li>
      ))}
      <li>
        <span class="legend-swatch heat-none-swatch" aria-hidden="true" />
        Not expected
      </li>
    </ul>
  );
}
