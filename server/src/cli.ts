#!/usr/bin/env node
// `npm run lectern -- user create --email E --password P --role teacher --name N`
// `npm run lectern -- backup FILE` / `npm run lectern -- restore FILE [--force]`
// `npm run lectern -- doctor` (checks the host against the configuration; exit 1 on a fail)
// On the embedded database (PGlite) held by a running server, `user create` and `backup`
// go through that server's control socket (control/); `restore` needs the server stopped.
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDb, DataDirLockedError, USER_ROLES, type Db } from '@lectern/db';
import { backupDatabase, BackupError } from './backup/backup.js';
import { restoreFile, type OpenDb } from './backup/restoreFile.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { ControlUnavailableError, sendControl } from './control/client.js';
import { createUserCommand } from './control/commands.js';
import { controlSocketPath, UserCreateArgs, type ControlRequest } from './control/protocol.js';
import { AppError } from './errors.js';
import { doctorExitCode, formatResult, runDoctor } from './doctor/doctor.js';
import { createLogger } from './logger.js';
import { createRuntime } from './runtime.js';

const USAGE = `usage:
  lectern user create --email E --password P --role (${USER_ROLES.join('|')}) [--name N] [--timezone Z]
  lectern backup FILE
  lectern restore FILE [--force]
  lectern doctor`;

class UsageError extends Error {}

async function doctor(): Promise<number> {
  const results = await runDoctor(loadConfig(process.env));
  for (const r of results) console.log(formatResult(r));
  return doctorExitCode(results);
}

/** The embedded database is held by a live server on this machine: does `req` through its control socket. */
async function throughServer(config: Config, locked: DataDirLockedError, req: ControlRequest): Promise<unknown> {
  if (locked.owner.host !== hostname()) throw locked;
  const path = controlSocketPath(config.dataDir);
  let res;
  try {
    res = await sendControl(path, req);
  } catch (err) {
    if (err instanceof ControlUnavailableError) throw new DataDirLockedError(`${config.dataDir}/pglite`, locked.owner, err.message);
    throw err;
  }
  console.error(`lectern: the server (PID ${res.pid ?? locked.owner.pid}) is running; done through it`);
  if (!res.ok) throw new CommandError(res.error);
  return res.result;
}

/** The server refused a command it was sent (its message is the whole story). */
class CommandError extends Error {}

async function userCreate(config: Config, rest: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, timezone: { type: 'string' } },
  });
  const parsed = UserCreateArgs.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  let runtime;
  try {
    runtime = await createRuntime(config, { logger: createLogger('warn') });
  } catch (err) {
    if (err instanceof DataDirLockedError) return throughServer(config, err, { v: 1, cmd: 'user.create', args: parsed.data });
    throw err;
  }
  try {
    return await createUserCommand(runtime.ctx.db, parsed.data, config.auth.scryptLogN);
  } finally {
    await runtime.close();
  }
}

/** The configured database as it is (no migrations), opened by this process. */
async function openExisting(config: Config): Promise<Db> {
  const dataDir = `${config.dataDir}/pglite`;
  if (!config.databaseUrl && !existsSync(dataDir)) throw new BackupError(`There is no embedded database at ${dataDir} (LECTERN_DATA_DIR=${config.dataDir})`);
  return createDb({ databaseUrl: config.databaseUrl, dataDir, poolSize: 2, migrate: false });
}

async function backup(config: Config, rest: string[]): Promise<unknown> {
  const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('backup takes one FILE');
  const file = resolve(positionals[0]!);
  let db;
  try {
    db = await openExisting(config);
  } catch (err) {
    if (err instanceof DataDirLockedError) return throughServer(config, err, { v: 1, cmd: 'backup', args: { file } });
    throw err;
  }
  try {
    return await backupDatabase(db.db, db.kind, file);
  } finally {
    await db.close();
  }
}

async function restore(config: Config, rest: string[]): Promise<unknown> {
  const { positionals, values } = parseArgs({ args: rest, allowPositionals: true, options: { force: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('restore takes one FILE');
  const file = resolve(positionals[0]!);
  const open: OpenDb = (o) => createDb({ databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pglite`, poolSize: 2, ...o });
  try {
    return await restoreFile(open, file, { force: values.force ?? false }); // a missing database is created
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      throw new CommandError(`the server (PID ${err.owner.pid} on ${err.owner.host}) is running on this embedded database: stop it before restoring (a restore replaces the whole database)`);
    }
    throw err;
  }
}

async function run(argv: string[]): Promise<number> {
  const [group, action, ...rest] = argv;
  if (group === 'doctor' && action === undefined) return doctor();
  const command =
    group === 'user' && action === 'create' ? (c: Config) => userCreate(c, rest)
    : group === 'backup' ? (c: Config) => backup(c, argv.slice(1))
    : group === 'restore' ? (c: Config) => restore(c, argv.slice(1))
    : undefined;
  if (!command) {
    console.error(USAGE);
    return 64;
  }
  try {
    const result = await command(loadConfig(process.env));
    console.log(JSON.stringify(result));
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'))) throw err;
    console.error(err.message);
    console.error(USAGE);
    return 64;
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof AppError || err instanceof DataDirLockedError || err instanceof BackupError || err instanceof CommandError) {
      console.error(`lectern: ${err.message}`);
      process.exit(err instanceof ConfigError ? 78 : 1);
    }
    console.error(err);
    process.exit(1);
  },
);
