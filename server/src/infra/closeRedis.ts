// Closing an ioredis connection for good, for every owner of one (runtime, bus, adapter).
import type { Redis } from 'ioredis';

/**
 * Closes a connection and resolves once its socket is gone (ioredis's disconnect() only
 * starts that), so a closed runtime leaves no handle behind. Bounded: never hangs a shutdown.
 */
export async function closeRedis(redis: Redis, boundMs = 2000): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'reconnecting' || redis.status === 'close') {
    // No socket to wait for (Redis is away): stopping the reconnect timer is all there is.
    redis.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<void>((resolve) => {
    redis.once('end', () => resolve());
    timer = setTimeout(resolve, boundMs);
    timer.unref();
  });
  redis.disconnect();
  await ended;
  clearTimeout(timer);
}
