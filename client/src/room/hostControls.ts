// What a host or co-host can do to the room: admit or deny someone in the lobby, mute or
// remove a participant, lock the room, record, end the session. Each is one request; a
// refusal becomes a notice worded from its error code.
import type { SessionInfo } from '@lectern/server/protocol';
import type { Notice } from './roomTypes.js';
import { roomErrorMessage } from './roomErrors.js';
import { SignalingError, type Signaling } from './Signaling.js';

export interface HostControlDeps {
  request: Signaling['request'];
  /** Apply what the server confirmed to our copy of the session. */
  patchSession(patch: Partial<Pick<SessionInfo, 'locked' | 'recording'>>): void;
  /** The session is over (we ended it). */
  ended(): void;
  notice(text: string, tone: Notice['tone']): void;
}

export interface HostControls {
  admit(peerId: string): Promise<void>;
  deny(peerId: string): Promise<void>;
  mutePeer(peerId: string): Promise<void>;
  muteAll(): Promise<void>;
  removePeer(peerId: string): Promise<void>;
  setLocked(locked: boolean): Promise<void>;
  setRecording(on: boolean): Promise<void>;
  endSession(): Promise<void>;
  /** Webinar: let a viewer publish, or take it back (their producers close). */
  promote(peerId: string): Promise<void>;
  demote(peerId: string): Promise<void>;
}

/** The sentence after "Could not …:" for a failed request. */
function failureText(err: unknown): string {
  if (err instanceof SignalingError) return roomErrorMessage(err.code);
  return err instanceof Error ? err.message : String(err);
}

/** Recording needs the recorder to start its pipeline: give it longer than a plain request. */
const RECORDING_TIMEOUT_MS = 15_000;

export function createHostControls(deps: HostControlDeps): HostControls {
  const { request } = deps;
  const act = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      deps.notice(`Could not ${what}: ${failureText(err)}`, 'warn');
    }
  };
  return {
    admit: (peerId) => act('admit', () => request('admit', { peerId })),
    deny: (peerId) => act('deny', () => request('deny', { peerId })),
    mutePeer: (peerId) => act('mute', () => request('mutePeer', { peerId, source: 'mic' })),
    muteAll: () => act('mute everyone', () => request('mutePeer', { source: 'mic' })),
    removePeer: (peerId) => act('remove', () => request('removePeer', { peerId })),
    promote: (peerId) => act('promote', () => request('promote', { peerId })),
    demote: (peerId) => act('demote', () => request('demote', { peerId })),
    setLocked: (locked) =>
      act(locked ? 'lock the room' : 'unlock the room', async () => {
        await request('lockRoom', { locked });
        deps.patchSession({ locked });
      }),
    setRecording: (on) =>
      act(on ? 'start recording' : 'stop recording', async () => {
        await request(on ? 'startRecording' : 'stopRecording', {}, RECORDING_TIMEOUT_MS);
        deps.patchSession({ recording: on });
      }),
    endSession: () =>
      act('end the session', async () => {
        await request('endSession', {});
        deps.ended();
      }),
  };
}
