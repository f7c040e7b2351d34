// Revenue per month as SVG bars (payments minus refunds; a month in the red goes below zero).
import { amount, type RevenueRowDto } from './api.js';

const W = 720;
const H = 220;
const PAD = { top: 16, right: 16, bottom: 30, left: 64 };

/** The last `months` calendar months (UTC) ending with the one of `now`, as 'YYYY-MM'. */
export function lastMonths(now: Date, months: number): string[] {
  return Array.from({ length: months }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1 - i), 1)).toISOString().slice(0, 7));
}

export function RevenueChart({ rows, currency, months }: { rows: RevenueRowDto[]; currency: string; months: string[] }) {
  const value = (m: string) => rows.find((r) => r.month === m && r.currency === currency)?.amountCents ?? 0;
  const values = months.map(value);
  // At least 100 units of the currency tall, so an empty year still has a sensible scale.
  const max = Math.max(10_000, ...values);
  const min = Math.min(0, ...values);
  const y = (v: number) => PAD.top + ((max - v) / (max - min)) * (H - PAD.top - PAD.bottom);
  const slot = (W - PAD.left - PAD.right) / months.length;
  const total = values.reduce((a, b) => a + b, 0);
  const summary = `Revenue in ${currency} over the last ${months.length} months: ${amount(total, currency)} in total.`;
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
      <title>{summary}</title>
      {[...new Set([max, max / 2, 0, min])].map((v) => (
        <g key={v}>
          <line class="chart-grid" x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
          <text class="chart-label" x={PAD.left - 6} y={y(v) + 4} text-anchor="end">
            {amount(Math.round(v), currency)}
          </text>
        </g>
      ))}
      {months.map((m, i) => {
        const v = values[i]!;
        const top = Math.min(y(v), y(0));
        return (
          <g key={m}>
            <rect class={v < 0 ? 'bar bar-neg' : 'bar'} x={PAD.left + i * slot + slot * 0.2} width={slot * 0.6} y={top} height={Math.max(v === 0 ? 0 : 1, Math.abs(y(v) - y(0)))}>
              <title>{`${m}: ${amount(v, currency)}`}</title>
            </rect>
            <text class="chart-label" x={PAD.left + i * slot + slot / 2} y={H - 8} text-anchor="middle">
              {m.slice(2).replace('-', '/')}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
