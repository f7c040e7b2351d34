import type { ComponentChildren } from 'preact';

/** A table's header row, one column a label; the labels in `num` are right-aligned numbers. `children` end the row. */
export function TableHead({ cols, num = [], children }: { cols: readonly string[]; num?: readonly string[]; children?: ComponentChildren }) {
  return (
    <thead>
      <tr>
        {cols.map((c) => (
          <th key={c} scope="col" class={num.includes(c) ? 'num' : undefined}>
            {c}
          </th>
        ))}
        {children}
      </tr>
    </thead>
  );
}
