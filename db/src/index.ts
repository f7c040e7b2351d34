export * from './schema/index.js';
export { createDb, MIGRATIONS_DIR } from './createDb.js';
export { DataDirLockedError } from './dirLock.js';
export type { Database, Db, DbConfig, Executor, Schema } from './createDb.js';
export { rowsOf } from './rows.js';
export { isDatabaseUnavailable } from './unavailable.js';
