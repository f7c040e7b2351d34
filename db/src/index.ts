export * from './schema/index.js';
export { createDb, MIGRATIONS_DIR } from './createDb.js';
export { DataDirLockedError } from './dirLock.js';
export { PG_SIZE_PATTERN, PGLITE_SHARED_BUFFERS } from './pgliteMemory.js';
export type { Database, Db, DbConfig, Executor, Schema } from './createDb.js';
export { rowsOf } from './rows.js';
export { isDatabaseUnavailable } from './unavailable.js';
