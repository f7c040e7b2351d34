#!/usr/bin/env node
// `npm run lectern -- user create --email E --password P --role teacher --name N`
// `npm run lectern -- doctor` (checks the host against the configuration; exit 1 on a fail)
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DataDirLockedError, USER_ROLES } from '@lectern/db';
import { ConfigError, loadConfig } from './config.js';
import { AppError } from './errors.js';
import { doctorExitCode, formatResult, runDoctor } from './doctor/doctor.js';
import { createLogger } from './logger.js';
import { createRuntime } from './runtime.js';
import { createUser } from './users/userService.js';

const USAGE = `usage:
  lectern user create --email E --password P --role (${USER_ROLES.join('|')}) [--name N] [--timezone Z]
  lectern doctor`;

const UserArgs = z.object({
  email: z.email(),
  password: z.string().min(10, 'must be at least 10 characters'),
  role: z.enum(USER_ROLES),
  name: z.string().min(1).max(80).optional(),
  timezone: z.string().optional(),
});

async function doctor(): Promise<number> {
  const results = await runDoctor(loadConfig(process.env));
  for (const r of results) console.log(formatResult(r));
  return doctorExitCode(results);
}

async function run(argv: string[]): Promise<number> {
  const [group, action, ...rest] = argv;
  if (group === 'doctor' && action === undefined) return doctor();
  if (group !== 'user' || action !== 'create') {
    console.error(USAGE);
    return 64;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      timezone: { type: 'string' },
    },
  });
  const parsed = UserArgs.safeParse(values);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
    console.error(USAGE);
    return 64;
  }
  const config = loadConfig(process.env);
  const runtime = await createRuntime(config, { logger: createLogger('warn') });
  try {
    const a = parsed.data;
    const user = await createUser(
      runtime.ctx.db,
      { email: a.email, password: a.password, role: a.role, name: a.name ?? a.email.split('@')[0] ?? a.email, timezone: a.timezone },
      config.auth.scryptLogN,
    );
    console.log(JSON.stringify({ id: user.id, email: user.email, role: user.role, name: user.name }));
    return 0;
  } finally {
    await runtime.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof AppError || err instanceof DataDirLockedError) {
      console.error(`lectern: ${err.message}`);
      process.exit(err instanceof ConfigError ? 78 : 1);
    }
    console.error(err);
    process.exit(1);
  },
);
