// Reading email rows from pasted text or a CSV file (RFC 4180 quoting; comma or semicolon).

/** Splits CSV text into records of cells. */
export function parseCsv(text: string): string[][] {
  const delim = (text.split(/\r?\n/, 1)[0] ?? '').includes(';') && !(text.split(/\r?\n/, 1)[0] ?? '').includes(',') ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delim) {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((x) => x.trim() !== ''));
}

/** One email per record: the "email" column when there is a header, else the first cell with an @ (or the first cell). */
export function emailsFromCsv(text: string): string[] {
  const rows = parseCsv(text);
  const header = rows[0]?.map((h) => h.trim().toLowerCase()) ?? [];
  const col = header.findIndex((h) => h === 'email' || h === 'e-mail' || h === 'email address');
  if (col >= 0) return rows.slice(1).map((r) => (r[col] ?? '').trim());
  return rows.map((r) => (r.find((x) => x.includes('@')) ?? r[0] ?? '').trim());
}

/** Pasted addresses: one per line, or separated by commas, semicolons or spaces. */
export function emailsFromPaste(text: string): string[] {
  return text
    .split(/[\n,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
