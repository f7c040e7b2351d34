export * from './schema/index.js';
export { createDb, MIGRATIONS_DIR } from './createDb.js';
export type { Database, Db, DbConfig, Executor, Schema } from './createDb.js';
export { rowsOf } from './rows.js';
