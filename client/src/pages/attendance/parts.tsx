// Pieces shared by the attendance pages: loading state, stat cards with what they count,
// a table in its card, status badges and a date-range filter.
import type { ComponentChildren } from 'preact';
import { DateRangeFields } from '../../components/DateRangeFields.js';
import { TableHead } from '../../components/TableHead.js';
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../../api.js';
import type { RangeQuery, ReportStatus } from '@lectern/server/contract/attendance';
import { STATUS_COLOR, STATUS_LABEL } from './format.js';
import './attendance.css';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: T };

/** Loads `load()` whenever `deps` change; `reload()` fetches again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Loaded<T>, () => void, (data: T) => void] {
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setValue({ state: 'ready', data }),
      (err: unknown) => live && setValue({ state: 'error', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  return [value, () => setN((x) => x + 1), (data: T) => setValue({ state: 'ready', data })];
}

export function LoadState({ value }: { value: Loaded<unknown> }) {
  if (value.state === 'loading') return <p role="status">Loading…</p>;
  if (value.state === 'error')
    return (
      <p class="alert alert-error" role="alert">
        {value.message}
      </p>
    );
  return null;
}

/** The data once loaded (`children` renders it), else the loading or error state. */
export function Ready<T>({ value, children }: { value: Loaded<T>; children: (data: T) => ComponentChildren }) {
  return value.state === 'ready' ? <>{children(value.data)}</> : <LoadState value={value} />;
}

export interface StatItem {
  label: string;
  value: ComponentChildren;
  /** One line saying what the number counts. */
  hint?: string;
}

export function Stats({ items, label }: { items: StatItem[]; label: string }) {
  return (
    <dl class="stats" aria-label={label}>
      {items.map((i) => (
        <div class="stat" key={i.label}>
          <dt>{i.label}</dt>
          <dd>{i.value}</dd>
          {i.hint && <dd class="stat-hint">{i.hint}</dd>}
        </div>
      ))}
    </dl>
  );
}

/** A card with a heading and a scrolling table: `cols` head it, `children` are its rows. */
export function TableCard({ id, title, cols, num, head, tableClass = 'table', children }: { id: string; title: ComponentChildren; cols: readonly string[]; num?: readonly string[]; head?: ComponentChildren; tableClass?: string; children: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <div class="table-wrap">
        <table class={tableClass}>
          <TableHead cols={cols} num={num}>
            {head}
          </TableHead>
          {children}
        </table>
      </div>
    </section>
  );
}

/** Right-aligned number cells of a table row. */
export function NumCells({ values }: { values: ComponentChildren[] }) {
  return (
    <>
      {values.map((v, i) => (
        <td key={i} class="num">
          {v}
        </td>
      ))}
    </>
  );
}

export function StatusBadge({ status }: { status: ReportStatus }) {
  return (
    <span class={`status status-${status}`} style={{ background: STATUS_COLOR[status] }}>
      {STATUS_LABEL[status]}
    </span>
  );
}

/** A report's heading with a line about what it covers, and the date-range filter. */
export function ReportHead({ title, intro, range, onRange }: { title: string; intro: string; range: RangeQuery; onRange: (r: RangeQuery) => void }) {
  return (
    <div class="att-head">
      <div>
        <h1>{title}</h1>
        <p class="muted">{intro}</p>
      </div>
      <RangeFilter value={range} onChange={onRange} />
    </div>
  );
}

export function RangeFilter({ value, onChange }: { value: RangeQuery; onChange: (r: RangeQuery) => void }) {
  const [from, setFrom] = useState(value.from ?? '');
  const [to, setTo] = useState(value.to ?? '');
  return (
    <form
      class="range-filter"
      onSubmit={(e) => {
        e.preventDefault();
        onChange({ ...(from ? { from } : {}), ...(to ? { to } : {}) });
      }}
    >
      <DateRangeFields from={from} to={to} onFrom={setFrom} onTo={setTo} />
      <button type="submit" class="btn btn-secondary btn-small">
        Apply
      </button>
    </form>
  );
}
