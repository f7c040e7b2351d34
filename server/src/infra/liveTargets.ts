// Live events to users' open tabs: a feature binds its Socket.IO target (a server, a
// namespace) per AppContext once the process has sockets, and emits through it from anywhere
// (a service, a scheduler). No target in a process without sockets; one per app where a test
// runs several.
import type { AppContext } from '../context.js';

/** A Socket.IO event map: event name -> listener signature. */
type EventMap<Events> = { [E in keyof Events]: (...args: never[]) => void };

export interface LiveTarget<T, Events extends EventMap<Events>> {
  /** Called once per API process when its sockets exist. */
  readonly bind: (ctx: AppContext, target: T) => void;
  readonly unbind: (ctx: AppContext) => void;
  readonly get: (ctx: AppContext) => T | undefined;
  /** Emits one event to these users' rooms on every node (no-op in a process without sockets). */
  readonly toUsers: <E extends keyof Events & string>(ctx: AppContext, userIds: readonly string[], event: E, ...args: Parameters<Events[E]>) => void;
}

/** `roomsOf` picks the users' rooms on the bound target (a Socket.IO broadcast operator). */
export function liveTarget<T extends object, Events extends EventMap<Events>>(roomsOf: (target: T, userIds: string[]) => { emit: unknown }): LiveTarget<T, Events> {
  const bound = new WeakMap<AppContext, T>();
  return {
    bind: (ctx, target) => void bound.set(ctx, target),
    unbind: (ctx) => void bound.delete(ctx),
    get: (ctx) => bound.get(ctx),
    toUsers: (ctx, userIds, event, ...args) => {
      const target = bound.get(ctx);
      if (!target || userIds.length === 0) return;
      const rooms = roomsOf(target, [...userIds]);
      // Typed by the event map in the signature; Socket.IO's emit overloads do not narrow a generic event name.
      (rooms.emit as (this: unknown, e: string, ...a: unknown[]) => boolean).call(rooms, event, ...args);
    },
  };
}
