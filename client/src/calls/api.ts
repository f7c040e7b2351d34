// REST calls of instant calls, typed by the server's contract.
import type { CallJoin, CallOk, RingingCall, SessionCall } from '@lectern/server/contract/calls';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { savePass } from '../roomPass.js';

export type { CallJoin, CallOk, RingingCall, SessionCall };

export const callsApi = {
  start: (conversationId: string) => api.post<CallJoin>(`/api/chats/${conversationId}/call`),
  accept: (callId: string) => api.post<CallJoin>(`/api/calls/${callId}/accept`),
  decline: (callId: string) => api.post<CallOk>(`/api/calls/${callId}/decline`),
  hangup: (callId: string) => api.post<CallOk>(`/api/calls/${callId}/hangup`),
  ringing: () => api.get<RingingCall[]>('/api/me/calls/ringing'),
  ofSession: (sessionId: string) => api.get<SessionCall>(`/api/sessions/${sessionId}/call`),
};

/** Enter the call's room with the token the API just gave. */
export function enterCall(join: CallJoin): void {
  savePass({ sessionId: join.sessionId, roomToken: join.roomToken });
  navigate(`/room/${encodeURIComponent(join.sessionId)}`);
}
