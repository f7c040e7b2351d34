// Calls ringing for the signed-in user, kept live over the /user socket (every tab hears
// every ring, and stops when this user answers or declines in any tab), plus short notices
// for the caller ("Sam declined").
import { liveSnapshot, Store } from '../store.js';
import { userSocket } from '../userSocket.js';
import { callsApi, type RingingCall } from './api.js';

export interface CallState {
  ringing: RingingCall[];
  notice: string | null;
}

export const callStore = new Store<CallState>({ ringing: [], notice: null });

/** Calls ringing now, from the API; not applied over a ring or stop that raced it. */
const snapshot = liveSnapshot(callsApi.ringing, (ringing) => callStore.update((s) => ({ ...s, ringing })));

const drop = (callId: string) => {
  snapshot.changed();
  callStore.update((s) => ({ ...s, ringing: s.ringing.filter((c) => c.callId !== callId) }));
};

const ring = (c: RingingCall) => {
  snapshot.changed();
  callStore.update((s) => ({ ...s, ringing: [...s.ringing.filter((x) => x.callId !== c.callId), c] }));
};

const link = userSocket('/user', {
  io: { forceNew: true },
  reset: () => callStore.set({ ringing: [], notice: null }),
  listen: (socket) => {
    socket.on('connect', () => void snapshot.load().catch(() => undefined));
    socket.on('callRinging', ring);
    socket.on('callStopped', (p: { callId: string }) => drop(p.callId));
    socket.on('callDeclined', (p: { name: string; callEnded: boolean }) =>
      callStore.update((s) => ({ ...s, notice: `Declined: ${p.name} declined the call${p.callEnded ? '. The call has ended.' : '.'}` })),
    );
  },
});

/** Follows sign-in and sign-out. Idempotent. */
export const startCalls = (): void => link.start();

export const dismissNotice = (): void => callStore.update((s) => ({ ...s, notice: null }));
export const forget = drop;
