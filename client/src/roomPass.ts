// The room token and how this tab entered the room, kept in sessionStorage so a reload of
// /room/:sessionId rejoins without a new code.

export interface RoomPass {
  sessionId: string;
  roomToken: string;
  displayName?: string;
}

export interface MediaPrefs {
  mic: boolean;
  camera: boolean;
  micDeviceId?: string;
  cameraDeviceId?: string;
}

const passKey = (sessionId: string) => `lectern.room.${sessionId}`;
const PREFS_KEY = 'lectern.mediaPrefs';

function read<T>(key: string): T | null {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage disabled: the room still works until a reload.
  }
}

export const loadPass = (sessionId: string): RoomPass | null => read<RoomPass>(passKey(sessionId));
export const savePass = (pass: RoomPass): void => {
  write(passKey(pass.sessionId), pass);
  write(`lectern.ended.${pass.sessionId}`, null);
};

/** Remember that a session ended so a reload shows the ended screen, not a join prompt. */
const endedKey = (sessionId: string) => `lectern.ended.${sessionId}`;
export const markEnded = (sessionId: string): void => {
  write(passKey(sessionId), null);
  write(endedKey(sessionId), true);
};
export const wasEnded = (sessionId: string): boolean => read<boolean>(endedKey(sessionId)) === true;

export const loadPrefs = (): MediaPrefs => read<MediaPrefs>(PREFS_KEY) ?? { mic: true, camera: true };
export const savePrefs = (prefs: MediaPrefs): void => write(PREFS_KEY, prefs);

/** The join page hands its live preview stream to the room so the camera is not reopened. */
let handoff: MediaStream | null = null;
export function handOffStream(stream: MediaStream | null): void {
  handoff = stream;
}
export function takeHandOffStream(): MediaStream | null {
  const s = handoff;
  handoff = null;
  return s;
}

/** What a device check leaves for the room: the choices made and the live preview stream. */
export interface CheckedDevices {
  micOn: boolean;
  cameraOn: boolean;
  micId: string;
  cameraId: string;
  release(): MediaStream | null;
}

/** Keeps the device check's choices for the room and hands its stream over (no second camera prompt). */
export function carryIntoRoom(devices: CheckedDevices): void {
  savePrefs({
    mic: devices.micOn,
    camera: devices.cameraOn,
    ...(devices.micId ? { micDeviceId: devices.micId } : {}),
    ...(devices.cameraId ? { cameraDeviceId: devices.cameraId } : {}),
  });
  handOffStream(devices.release());
}
