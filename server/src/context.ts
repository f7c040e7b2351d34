import type { Database, Db } from '@lectern/db';
import type { AccessGate } from './auth/accessGate.js';
import type { TokenService } from './auth/tokens.js';
import type { EventBus } from './bus/EventBus.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { CounterStore } from './infra/counters.js';
import type { Logger } from './logger.js';

/** What every route module and service receives: built once per process in main.ts. */
export interface AppContext {
  readonly config: Config;
  readonly dbHandle: Db;
  readonly db: Database;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly counters: CounterStore;
  readonly tokens: TokenService;
  /** Whether a genuine access token's user may still use it (password, role, access changes). */
  readonly accessGate: AccessGate;
  /** Links this process to the others (in-memory when single-node, Redis otherwise). */
  readonly bus: EventBus;
  /** Extra readiness checks (Redis, SFU) registered by the roles that use them. */
  readonly readinessChecks: Map<string, () => Promise<void>>;
}
