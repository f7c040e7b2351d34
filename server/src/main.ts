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
  if (lectern.app) process.stdout.write(`\nLectern is running at ${lectern.url}\n\n`);

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
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main();
