// What the CLI can do through a running server (control socket), and the same work done
// directly when the CLI opens the database itself: one implementation for both.
import type { Database } from '@lectern/db';
import { backupDatabase, type BackupResult } from '../backup/backup.js';
import type { AppContext } from '../context.js';
import { createUser } from '../users/userService.js';
import type { ControlRequest, UserCreateArgs } from './protocol.js';

export interface CreatedUser {
  id: string;
  email: string;
  role: string;
  name: string;
}

export async function createUserCommand(db: Database, a: UserCreateArgs, scryptLogN: number): Promise<CreatedUser> {
  const user = await createUser(
    db,
    { email: a.email, password: a.password, role: a.role, name: a.name ?? a.email.split('@')[0] ?? a.email, timezone: a.timezone },
    scryptLogN,
  );
  return { id: user.id, email: user.email, role: user.role, name: user.name };
}

/** The control socket's handler for a running server. */
export function controlHandler(ctx: Pick<AppContext, 'db' | 'dbHandle' | 'config' | 'clock'>): (req: ControlRequest) => Promise<CreatedUser | BackupResult | { pid: number }> {
  return async (req) => {
    switch (req.cmd) {
      case 'ping':
        return { pid: process.pid };
      case 'user.create':
        return createUserCommand(ctx.db, req.args, ctx.config.auth.scryptLogN);
      case 'backup':
        return backupDatabase(ctx.db, ctx.dbHandle.kind, req.args.file, ctx.clock.now());
    }
  };
}
