/**
 * `db.execute()` answers with an array on postgres.js and with `{ rows }` on PGlite.
 * Raw SQL results go through this so that no code path exists for only one of them.
 */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  if (result && typeof result === 'object' && 'rows' in result && Array.isArray(result.rows)) {
    return result.rows as T[];
  }
  throw new TypeError('unexpected result shape from db.execute()');
}
