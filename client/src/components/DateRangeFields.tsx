/** A From and a To date input, each in its label (filters by date range). */
export function DateRangeFields({ from, to, onFrom, onTo }: { from: string; to: string; onFrom: (v: string) => void; onTo: (v: string) => void }) {
  return (
    <>
      <label>
        From
        <input type="date" value={from} onInput={(e) => onFrom(e.currentTarget.value)} />
      </label>
      <label>
        To
        <input type="date" value={to} onInput={(e) => onTo(e.currentTarget.value)} />
      </label>
    </>
  );
}
