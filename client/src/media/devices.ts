// Camera and microphone access: getUserMedia with fallbacks and plain-language errors.

export interface MediaRequest {
  audio: boolean;
  video: boolean;
  audioDeviceId?: string | undefined;
  videoDeviceId?: string | undefined;
}

export interface MediaResult {
  stream: MediaStream | null;
  /** Sentences for the user about what could not be opened and why. */
  problems: string[];
  /** Access refused by the user or the browser. */
  denied: boolean;
}

export const CAMERA_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30, max: 30 },
};

export const MIC_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

function constraints(req: MediaRequest, which: 'audio' | 'video'): MediaTrackConstraints | false {
  if (which === 'audio') {
    if (!req.audio) return false;
    return req.audioDeviceId ? { ...MIC_CONSTRAINTS, deviceId: { exact: req.audioDeviceId } } : MIC_CONSTRAINTS;
  }
  if (!req.video) return false;
  return req.videoDeviceId ? { ...CAMERA_CONSTRAINTS, deviceId: { exact: req.videoDeviceId } } : CAMERA_CONSTRAINTS;
}

const errName = (err: unknown): string => (err instanceof DOMException || err instanceof Error ? err.name : 'Error');

/** What to tell the user when opening `what` ("camera", "microphone", "camera and microphone") failed. */
export function mediaErrorMessage(err: unknown, what: string): string {
  switch (errName(err)) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Access to your ${what} is blocked. You can still join without it; to use it, allow access in your browser's site settings and try again.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${what} was found. You can still join without it.`;
    case 'NotReadableError':
    case 'AbortError':
      return `Your ${what} could not be started. It may be in use by another app.`;
    default:
      return `Your ${what} could not be opened (${errName(err)}).`;
  }
}

export function mediaSupported(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/**
 * Opens what was asked for. If the combined request fails because a device is missing,
 * tries each kind alone so a laptop without a camera still gets its microphone.
 */
export async function openMedia(req: MediaRequest): Promise<MediaResult> {
  if (!req.audio && !req.video) return { stream: null, problems: [], denied: false };
  if (!mediaSupported()) {
    return {
      stream: null,
      problems: ['This browser cannot use a camera or microphone here (a secure https connection is required).'],
      denied: false,
    };
  }
  const audio = constraints(req, 'audio');
  const video = constraints(req, 'video');
  const both = req.audio && req.video;
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio, video }), problems: [], denied: false };
  } catch (err) {
    const name = errName(err);
    const denied = name === 'NotAllowedError' || name === 'SecurityError';
    if (!both || denied) {
      const what = both ? 'camera and microphone' : req.video ? 'camera' : 'microphone';
      return { stream: null, problems: [mediaErrorMessage(err, what)], denied };
    }
  }
  // One of the two is missing or busy: open each alone.
  const problems: string[] = [];
  const tracks: MediaStreamTrack[] = [];
  let denied = false;
  for (const [kind, what] of [
    ['audio', 'microphone'],
    ['video', 'camera'],
  ] as const) {
    try {
      const s = await navigator.mediaDevices.getUserMedia(kind === 'audio' ? { audio } : { video });
      tracks.push(...s.getTracks());
    } catch (err) {
      denied ||= errName(err) === 'NotAllowedError';
      problems.push(mediaErrorMessage(err, what));
    }
  }
  return { stream: tracks.length ? new MediaStream(tracks) : null, problems, denied };
}

export interface DeviceLists {
  cameras: MediaDeviceInfo[];
  mics: MediaDeviceInfo[];
}

export async function listDevices(): Promise<DeviceLists> {
  if (!navigator.mediaDevices?.enumerateDevices) return { cameras: [], mics: [] };
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: all.filter((d) => d.kind === 'videoinput' && d.deviceId),
    mics: all.filter((d) => d.kind === 'audioinput' && d.deviceId),
  };
}

export function stopStream(stream: MediaStream | null | undefined): void {
  stream?.getTracks().forEach((t) => t.stop());
}
