// What the room page exposes to the browser suites (client/src/pages/RoomPage.tsx sets it).
import type { RoomStats } from '../../client/src/room/roomStats.js';

declare global {
  interface Window {
    __lectern?: { readonly peerId: string | null; readonly phase: string; stats(): Promise<RoomStats> };
  }
}
export {};
