// Calls ringing for the signed-in user, kept live over the /user socket (every tab hears
// every ring, and stops when this user answers or declines in any tab), plus short notices
// for the caller ("Sam declined").
import { io, type Socket } from 'socket.io-client';
import { accessToken } from '../api.js';
import { authStore, refreshAccess } from '../auth.js';
import { Store } from '../store.js';
import { callsApi, type RingingCall } from './api.js';

export interface CallState {
  ringing: RingingCall[];
  notice: string | null;
}

export const callStore = new Store<CallState>({ ringing: [], notice: null });

let socket: Socket | null = null;
let userId: string | null = null;
let started = false;

const drop = (callId: string) => callStore.update((s) => ({ ...s, ringing: s.ringing.filter((c) => c.callId !== callId) }));

async function load(): Promise<void> {
  const ringing = await callsApi.ringing();
  callStore.update((s) => ({ ...s, ringing }));
}

function connect(): void {
  socket = io('/user', { auth: (cb) => cb({ token: accessToken() ?? '' }), transports: ['websocket', 'polling'], forceNew: true });
  socket.on('connect', () => void load().catch(() => undefined));
  socket.on('connect_error', (err) => {
    if (err.message === 'unauthorized') void refreshAccess().then((ok) => ok && socket?.connect());
  });
  socket.on('callRinging', (c: RingingCall) => callStore.update((s) => ({ ...s, ringing: [...s.ringing.filter((x) => x.callId !== c.callId), c] })));
  socket.on('callStopped', (p: { callId: string }) => drop(p.callId));
  socket.on('callDeclined', (p: { name: string; callEnded: boolean }) =>
    callStore.update((s) => ({ ...s, notice: `Declined: ${p.name} declined the call${p.callEnded ? '. The call has ended.' : '.'}` })),
  );
}

/** Follows sign-in and sign-out. Idempotent. */
export function startCalls(): void {
  if (started) return;
  started = true;
  const sync = () => {
    const user = authStore.get().user;
    if ((user?.id ?? null) === userId) return;
    socket?.close();
    socket = null;
    callStore.set({ ringing: [], notice: null });
    userId = user?.id ?? null;
    if (user) connect();
  };
  authStore.subscribe(sync);
  sync();
}

export const dismissNotice = (): void => callStore.update((s) => ({ ...s, notice: null }));
export const forget = drop;
