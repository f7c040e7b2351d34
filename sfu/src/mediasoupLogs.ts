import * as mediasoup from 'mediasoup';
import type { Logger } from 'pino';

/** mediasoup's log hooks are process-global; the most recently routed logger receives them. */
const loggers: Logger[] = [];

function current(): Logger | undefined {
  return loggers[loggers.length - 1];
}

function install(): void {
  const top = current();
  if (!top) {
    mediasoup.setLogEventListeners();
    return;
  }
  mediasoup.setLogEventListeners({
    ondebug: top.isLevelEnabled('debug')
      ? (namespace, log) => current()?.debug({ namespace }, log)
      : undefined,
    onwarn: (namespace, log) => current()?.warn({ namespace }, log),
    onerror: (namespace, log, error) => current()?.error({ namespace, err: error }, log),
  });
}

/** Routes mediasoup's own logs (node side and worker side) into `logger`; returns an undo. */
export function routeMediasoupLogs(logger: Logger): () => void {
  const child = logger.child({ component: 'mediasoup' });
  loggers.push(child);
  install();
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    const i = loggers.indexOf(child);
    if (i >= 0) loggers.splice(i, 1);
    install();
  };
}
