// Starts one Lectern process in the role given by LECTERN_ROLE: listens, prints the URL,
// shuts down gracefully on SIGINT/SIGTERM.
import { ConfigError, loadConfig } from './config.js';
import { startLectern } from './lectern.js';

function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    console.error(`lectern: ${err.message}`);
    process.exit(78); // EX_CONFIG
  }
  console.error('lectern: failed to start:', err);
  process.exit(1);
}

async function main(): Promise<void> {
  const config = (() => {
    try {
      return loadConfig(process.env);
    } catch (err) {
      return fail(err);
    }
  })();
  const lectern = await startLectern(config).catch(fail);
  const { ctx } = lectern.runtime;
  ctx.logger.info({ url: lectern.url, role: config.role, db: ctx.dbHandle.kind, redis: Boolean(config.redisUrl) }, 'lectern is up');
  if (lectern.app && config.role !== 'sfu') process.stdout.write(`\nLectern is running at ${lectern.url}\n\n`);
  else if (lectern.app) process.stdout.write(`\nLectern SFU node ${config.cluster.nodeId} is running (health at ${lectern.url})\n\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await lectern.close();
    } finally {
      clearTimeout(force);
      process.exit(0);
    }
  };
  // SIGTERM on a cluster node drains first: readiness false, no new rooms, existing rooms
  // continue until empty or LECTERN_DRAIN_TIMEOUT_SECONDS. A second signal stops at once.
  let draining = false;
  const drainThenStop = async () => {
    if (draining || stopping || !config.redisUrl) return stop('SIGTERM');
    draining = true;
    const outcome = await lectern.drain().catch((err: unknown) => {
      ctx.logger.warn({ err }, 'drain failed');
      return 'failed';
    });
    ctx.logger.info({ outcome }, 'drained');
    await stop('SIGTERM');
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void drainThenStop());
}

void main();
